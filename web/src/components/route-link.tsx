/** A Fluent link (theme colours, focus ring) that navigates inside the portal without a reload; still a real link for a new tab. */
import { Link } from '@fluentui/react-components';
import type { ReactNode, Ref } from 'react';
import { useNavigate } from 'react-router';

export function RouteLink({
  to,
  children,
  className,
  'aria-label': ariaLabel,
  ref,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  'aria-label'?: string;
  /** To move focus to the link (React 19 passes `ref` as a prop). */
  ref?: Ref<HTMLAnchorElement>;
}) {
  const navigate = useNavigate();
  return (
    <Link
      href={to}
      ref={ref}
      className={className}
      aria-label={ariaLabel}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </Link>
  );
}

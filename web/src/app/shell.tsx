/**
 * The frame of every signed-in page: the product, the navigation (a drawer at phone width), the
 * session's honest end, and sign-out. A session that ends while the page is open sends the person
 * to sign-in and back here afterwards.
 */
import {
  Button,
  Caption1,
  Menu,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Text,
  Tooltip,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { NavLink, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { SIGNED_OUT_EVENT } from '../lib/api-client.ts';
import { formatInstant, formatRemaining, useNow } from '../lib/time.ts';
import { useMe, useSession, useSignOut, type Session } from '../features/auth/api.ts';
import { useMyGrants, useMyRolesLoaded } from '../features/my-roles/api.ts';
import { StepUpProvider } from '../features/auth/step-up.tsx';
import { PendingApprovalsBadge } from '../features/approvals/pending-badge.tsx';
import { useThemeControl, type ThemeChoice } from './theme.ts';

const useStyles = makeStyles({
  root: { minHeight: '100vh', display: 'grid', gridTemplateRows: 'auto 1fr', backgroundColor: tokens.colorNeutralBackground2 },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: '12px',
    padding: '8px 16px',
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    flexWrap: 'wrap',
  },
  brand: { display: 'flex', alignItems: 'center', gap: '8px', fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  spacer: { flexGrow: 1 },
  onBrand: { color: tokens.colorNeutralForegroundOnBrand },
  // At phone width the navigation sits above the page: it keeps its own height, the page takes the rest.
  body: { display: 'grid', gridTemplateColumns: '220px 1fr', '@media (max-width: 700px)': { gridTemplateColumns: '1fr', gridTemplateRows: 'auto 1fr' } },
  nav: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    padding: '12px 8px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    '@media (max-width: 700px)': { flexDirection: 'row', flexWrap: 'wrap', borderRight: 'none', borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  },
  navHeading: { padding: '12px 12px 4px', color: tokens.colorNeutralForeground3, '@media (max-width: 700px)': { display: 'none' } },
  link: {
    display: 'block',
    padding: '8px 12px',
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecoration: 'none',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  current: { backgroundColor: tokens.colorBrandBackground2, color: tokens.colorBrandForeground2, fontWeight: tokens.fontWeightSemibold },
  main: { padding: '24px', minWidth: 0, '@media (max-width: 700px)': { padding: '16px 12px' } },
  skip: {
    position: 'absolute',
    left: '-9999px',
    top: '8px',
    zIndex: 10,
    padding: '8px',
    backgroundColor: tokens.colorNeutralBackground1,
    ':focus': { left: '8px' },
  },
});

const NAV: readonly { to: string; label: string; section?: string; Count?: () => ReactNode }[] = [
  { to: '/assignments', label: 'My roles' },
  { to: '/requests', label: 'My requests' },
  { to: '/approvals', label: 'Approve requests', Count: PendingApprovalsBadge },
  { to: '/my-audit', label: 'My audit' },
  { to: '/admin/roles', label: 'Roles', section: 'Administration' },
  { to: '/admin/scopes', label: 'Resource scopes', section: 'Administration' },
  { to: '/admin/groups', label: 'Groups', section: 'Administration' },
  { to: '/admin/users', label: 'Users', section: 'Administration' },
  { to: '/audit', label: 'Audit log', section: 'Administration' },
];

export function Shell() {
  const styles = useStyles();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const here = `${location.pathname}${location.search}`;

  const signedIn = Boolean(session.data);
  // Administration is for people who hold a role now (an eligible administrator activates first);
  // each page still says so when the role held does not allow it.
  const administers = (useMyGrants().data ?? []).some((g) => g.kind === 'active' && g.provider === 'directory');
  useEffect(() => {
    // Only a session that existed can end: someone arriving signed out (an approval link) is not told it "ended".
    if (!signedIn) return undefined;
    const signedOut = () => navigate(`/signin?expired=1&returnTo=${encodeURIComponent(here)}`, { replace: true });
    window.addEventListener(SIGNED_OUT_EVENT, signedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, signedOut);
  }, [navigate, here, signedIn]);

  // The page is drawn while the session is still being checked (its own reads started with it), so a
  // signed-in person sees it a round trip sooner; someone not signed in is sent to sign in when the
  // answer comes, having seen at most the frame of the page with nothing in it.
  if (!session.isPending && !session.data) return <Navigate to={`/signin?returnTo=${encodeURIComponent(here)}`} replace />;
  return (
    <StepUpProvider>
      <div className={styles.root}>
        <a className={styles.skip} href="#main">
          Skip to content
        </a>
        <header className={styles.header}>
          <span className={styles.brand}>
            <img src="/favicon.svg" alt="" width={24} height={24} />
            OpenPIM
          </span>
          <span className={styles.spacer} />
          {session.data && <SessionClock session={session.data} />}
          <ThemeMenu />
          <Account />
        </header>
        <div className={styles.body}>
          <nav className={styles.nav} aria-label="Main">
            <Caption1 className={styles.navHeading}>My access</Caption1>
            {NAV.filter((n) => !n.section || administers).map((n, i, shown) => (
              <Fragment key={n.to}>
                {n.section && n.section !== shown[i - 1]?.section && <Caption1 className={styles.navHeading}>{n.section}</Caption1>}
                <NavLink to={n.to} className={({ isActive }) => mergeClasses(styles.link, isActive && styles.current)}>
                  {n.label}
                  {n.Count && <n.Count />}
                </NavLink>
              </Fragment>
            ))}
          </nav>
          <main id="main" className={styles.main} tabIndex={-1}>
            <Outlet />
          </main>
        </div>
      </div>
    </StepUpProvider>
  );
}

/** When the session ends, honestly: the idle or absolute end, whichever comes first. */
function SessionClock({ session }: { session: Session }) {
  const styles = useStyles();
  const now = useNow(15_000);
  const ends = Math.min(Date.parse(session.expiresDateTime), session.idleExpiresDateTime ? Date.parse(session.idleExpiresDateTime) : Infinity);
  const idle = session.idleExpiresDateTime !== null && Date.parse(session.idleExpiresDateTime) <= Date.parse(session.expiresDateTime);
  return (
    <Tooltip
      relationship="description"
      content={`${idle ? 'Ends after inactivity' : 'Ends'} at ${formatInstant(new Date(ends).toISOString())}; the absolute end is ${formatInstant(session.expiresDateTime)}.`}
    >
      <Text size={200} className={styles.onBrand} tabIndex={0}>
        Session: {formatRemaining(ends, now)}
        {idle ? ' idle' : ''} left
      </Text>
    </Tooltip>
  );
}

function ThemeMenu() {
  const styles = useStyles();
  const { choice, setChoice } = useThemeControl();
  return (
    <Menu checkedValues={{ theme: [choice] }} onCheckedValueChange={(_e, d) => setChoice(d.checkedItems[0] as ThemeChoice)}>
      <MenuTrigger disableButtonEnhancement>
        <Button appearance="transparent" className={styles.onBrand}>
          Theme
        </Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          <MenuItemRadio name="theme" value="system">
            System
          </MenuItemRadio>
          <MenuItemRadio name="theme" value="light">
            Light
          </MenuItemRadio>
          <MenuItemRadio name="theme" value="dark">
            Dark
          </MenuItemRadio>
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}

function Account() {
  const styles = useStyles();
  const me = useMe(useMyRolesLoaded());
  const signOut = useSignOut();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Text size={200} className={styles.onBrand}>
        {me.data?.displayName ?? ''}
      </Text>
      <Button
        appearance="outline"
        className={styles.onBrand}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          signOut.mutate(undefined, { onSettled: () => navigate('/signin', { replace: true }) });
        }}
      >
        Sign out
      </Button>
    </>
  );
}

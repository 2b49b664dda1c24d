/**
 * The ways to the settings other settings inherit from: links that look like the buttons beside them — the tenant
 * default settings (from the Roles area) and the defaults for groups (from the Groups area).
 */
import { Button } from '@fluentui/react-components';
import { SettingsRegular } from '@fluentui/react-icons';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { GroupAccess } from './policy-api.ts';
import { groupsDefaultPath, TENANT_DEFAULT_PATH } from './rule-labels.ts';

function SettingsLink({ to, children }: { to: string; children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <Button
      as="a"
      href={to}
      icon={<SettingsRegular />}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </Button>
  );
}

export function TenantDefaultLink() {
  return <SettingsLink to={TENANT_DEFAULT_PATH}>Tenant default settings</SettingsLink>;
}

/** To the defaults for groups, showing `access`'s. */
export function GroupsDefaultLink({ access = 'member' }: { access?: GroupAccess }) {
  return <SettingsLink to={groupsDefaultPath(access)}>Defaults for groups</SettingsLink>;
}

/** The way to the tenant default settings from the Roles area: a link that looks like the buttons beside it. */
import { Button } from '@fluentui/react-components';
import { SettingsRegular } from '@fluentui/react-icons';
import { useNavigate } from 'react-router';
import { TENANT_DEFAULT_PATH } from './rule-labels.ts';

export function TenantDefaultLink() {
  const navigate = useNavigate();
  return (
    <Button
      as="a"
      href={TENANT_DEFAULT_PATH}
      icon={<SettingsRegular />}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(TENANT_DEFAULT_PATH);
      }}
    >
      Tenant default settings
    </Button>
  );
}

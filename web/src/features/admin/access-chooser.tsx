/** Which of a group's two accesses (PIM for Groups) the settings shown are for: member or owner. */
import { Dropdown, Field, Option } from '@fluentui/react-components';
import { ACCESS_LABEL } from './names.ts';
import type { GroupAccess } from './policy-api.ts';

/** The access chosen in the address (`?access=owner`; member when absent). */
export const accessParam = (params: URLSearchParams): GroupAccess => (params.get('access') === 'owner' ? 'owner' : 'member');

export function AccessChooser({ access, onChange }: { access: GroupAccess; onChange(access: GroupAccess): void }) {
  return (
    <Field label="Settings for" style={{ alignSelf: 'flex-start', maxWidth: '100%' }}>
      <Dropdown
        value={`${ACCESS_LABEL[access]} access`}
        selectedOptions={[access]}
        style={{ minWidth: 220, maxWidth: '100%' }}
        onOptionSelect={(_e, d) => onChange(d.optionValue === 'owner' ? 'owner' : 'member')}
      >
        <Option value="member" text="Member access">
          Member access
        </Option>
        <Option value="owner" text="Owner access">
          Owner access
        </Option>
      </Dropdown>
    </Field>
  );
}

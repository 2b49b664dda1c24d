/** Picks a user or group by typing part of a name or sign-in name (a combobox: arrow keys, Enter). */
import { Combobox, Field, Option, Spinner } from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { searchPrincipals, usePrincipals, type DirectoryObject } from './api.ts';

export interface PrincipalPickerProps {
  readonly label: string;
  readonly value: DirectoryObject | null;
  onChange(value: DirectoryObject | null): void;
  /** Which principals may be picked (e.g. only role-assignable groups). */
  readonly accept?: (p: DirectoryObject) => boolean;
  readonly hint?: string;
  readonly required?: boolean;
  readonly validationMessage?: string;
}

export function PrincipalPicker({ label, value, onChange, accept = () => true, hint, required, validationMessage }: PrincipalPickerProps) {
  const principals = usePrincipals();
  const [text, setText] = useState(value?.displayName ?? '');
  const matches = searchPrincipals((principals.data ?? []).filter(accept), text === value?.displayName ? '' : text);
  return (
    <Field
      label={label}
      hint={hint}
      required={required}
      validationMessage={principals.error ? `People and groups could not be loaded: ${messageOf(principals.error)}` : validationMessage}
      validationState={principals.error || validationMessage ? 'error' : 'none'}
    >
      <Combobox
        freeform
        placeholder="Type a name or sign-in name"
        value={text}
        selectedOptions={value ? [value.id] : []}
        onChange={(e) => {
          setText(e.target.value);
          if (value) onChange(null);
        }}
        onOptionSelect={(_e, d) => {
          const picked = principals.data?.find((p) => p.id === d.optionValue) ?? null;
          onChange(picked);
          setText(picked?.displayName ?? '');
        }}
      >
        {principals.isPending && (
          <Option disabled value="" text="Loading">
            Loading people and groups…
          </Option>
        )}
        {principals.data && matches.length === 0 && (
          <Option disabled value="" text="No match">
            No person or group matches
          </Option>
        )}
        {matches.map((p) => (
          <Option key={p.id} value={p.id} text={p.displayName}>
            {p.displayName}
            {p.detail ? ` — ${p.detail}` : ''}
          </Option>
        ))}
      </Combobox>
      {principals.isFetching && !principals.data && <Spinner size="tiny" />}
    </Field>
  );
}

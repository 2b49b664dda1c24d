/**
 * Filters of an audit list, kept in the address so a filtered view can be shared or bookmarked:
 * activity, who did it, whom or what it touched, which role, and a time range in the viewer's
 * own time zone. People are picked by name; an id pasted in works too.
 */
import { Button, Combobox, Field, Input, Option, makeStyles, tokens } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import type { RoleDefinition } from '../my-roles/api.ts';
import type { AuditFilters, Person } from './api.ts';

const useStyles = makeStyles({
  form: {
    display: 'grid',
    gap: '12px',
    alignItems: 'end',
    padding: '12px',
    borderRadius: tokens.borderRadiusMedium,
    gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  buttons: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  option: { display: 'flex', flexDirection: 'column' },
  hint: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  // Fluent's Combobox asks for 250 px; in a grid cell it takes the cell's width.
  combo: { minWidth: 0, width: '100%' },
});

/** Which filters a page offers: everyone gets activity, role and time; the whole log adds people. */
export interface FilterSet {
  readonly people: boolean;
}

const PARAMS = ['activity', 'actor', 'target', 'role', 'from', 'to'] as const;

/** The filters written in the address (?activity=…&from=ISO…). */
export function filtersFromParams(params: URLSearchParams): AuditFilters {
  const out: Record<string, string> = {};
  for (const p of PARAMS) {
    const v = params.get(p);
    if (v) out[p] = v;
  }
  return out;
}

export function paramsFromFilters(f: AuditFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => typeof v === 'string' && v !== ''));
}

export const countFilters = (f: AuditFilters): number => Object.values(f).filter(Boolean).length;

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO instant → the value of a datetime-local input, in the viewer's zone. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (viewer's zone) → ISO; `endOfMinute` includes the whole minute shown. */
export function fromLocalInput(value: string, endOfMinute = false): string | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms + (endOfMinute ? 59_999 : 0)).toISOString();
}

const personLabel = (p: Person) => p.displayName ?? p.userPrincipalName ?? p.id;

interface Props {
  readonly value: AuditFilters;
  readonly set: FilterSet;
  /** Activity names seen so far, offered as suggestions (any exact name can be typed). */
  readonly activities: readonly string[];
  readonly roles: ReadonlyMap<string, RoleDefinition> | undefined;
  readonly people: readonly Person[];
  onApply(f: AuditFilters): void;
}

export function AuditFilterForm({ value, set, activities, roles, people, onApply }: Props) {
  const styles = useStyles();
  const nameOf = (id: string | undefined) => {
    const person = id ? people.find((p) => p.id === id) : undefined;
    return person ? personLabel(person) : (id ?? '');
  };
  // Typed text that names exactly one option counts as that option; anything else is taken as an id.
  const personId = (p: Picked, among: readonly Person[]) =>
    p.id ?? uniqueId(among.filter((x) => sameText(personLabel(x), p.text) || sameText(x.userPrincipalName ?? '', p.text))) ?? pickedId(p);
  const [activity, setActivity] = useState(value.activity ?? '');
  const [actor, setActor] = useState<Picked>({ id: value.actor ?? null, text: nameOf(value.actor) });
  const [target, setTarget] = useState<Picked>({ id: value.target ?? null, text: nameOf(value.target) });
  const [role, setRole] = useState<Picked>({ id: value.role ?? null, text: value.role ? (roles?.get(value.role)?.displayName ?? value.role) : '' });
  const [from, setFrom] = useState(toLocalInput(value.from));
  const [to, setTo] = useState(toLocalInput(value.to));
  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to, true);
  const backwards = fromIso !== undefined && toIso !== undefined && fromIso > toIso;
  const roleList = useMemo(() => [...(roles?.values() ?? [])].sort((a, b) => a.displayName.localeCompare(b.displayName)), [roles]);

  const apply = () => {
    if (backwards) return;
    onApply({
      activity: activity.trim() || undefined,
      actor: set.people
        ? personId(
            actor,
            people.filter((p) => p.kind === 'user'),
          )
        : undefined,
      target: set.people ? personId(target, people) : undefined,
      role: role.id ?? uniqueId(roleList.filter((r) => sameText(r.displayName, role.text))) ?? pickedId(role),
      from: fromIso,
      to: toIso,
    });
  };
  const clear = () => {
    setActivity('');
    setActor({ id: null, text: '' });
    setTarget({ id: null, text: '' });
    setRole({ id: null, text: '' });
    setFrom('');
    setTo('');
    onApply({});
  };

  return (
    <form
      className={styles.form}
      aria-label="Filter events"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
      // Enter in a closed combobox applies the filters, as in any other field (an open one picks its option).
      onKeyDownCapture={(e) => {
        const box = e.target as HTMLElement;
        if (e.key === 'Enter' && box.getAttribute('role') === 'combobox' && box.getAttribute('aria-expanded') !== 'true') {
          e.preventDefault();
          apply();
        }
      }}
    >
      <Field label="Activity">
        <Combobox
          className={styles.combo}
          freeform
          placeholder="Any activity"
          value={activity}
          selectedOptions={activities.includes(activity) ? [activity] : []}
          onInput={(e) => setActivity((e.target as HTMLInputElement).value)}
          onOptionSelect={(_e, d) => setActivity(d.optionText ?? '')}
        >
          {(activities.includes(activity) ? activities : activities.filter((a) => a.toLowerCase().includes(activity.toLowerCase()))).map((a) => (
            <Option key={a}>{a}</Option>
          ))}
        </Combobox>
      </Field>
      {set.people && (
        <>
          <PersonField
            label="Initiated by"
            placeholder="Anyone (a name or an id)"
            people={people.filter((p) => p.kind === 'user')}
            value={actor}
            onChange={setActor}
          />
          <PersonField label="Target (user or group)" placeholder="Anything (a name or an id)" people={people} value={target} onChange={setTarget} />
        </>
      )}
      <Field label="Role">
        <Combobox
          className={styles.combo}
          freeform
          placeholder="Any role"
          value={role.text}
          selectedOptions={role.id ? [role.id] : []}
          onInput={(e) => setRole({ id: null, text: (e.target as HTMLInputElement).value })}
          onOptionSelect={(_e, d) => setRole({ id: d.optionValue ?? null, text: d.optionText ?? '' })}
        >
          {roleList
            .filter((r) => role.id !== null || r.displayName.toLowerCase().includes(role.text.toLowerCase()))
            .map((r) => (
              <Option key={r.id} value={r.id}>
                {r.displayName}
              </Option>
            ))}
        </Combobox>
      </Field>
      <Field label="From">
        <Input type="datetime-local" value={from} onChange={(_e, d) => setFrom(d.value)} />
      </Field>
      <Field label="To" validationMessage={backwards ? 'The end is before the start.' : undefined}>
        <Input type="datetime-local" value={to} onChange={(_e, d) => setTo(d.value)} />
      </Field>
      <div className={styles.buttons}>
        <Button type="submit" appearance="primary" disabled={backwards}>
          Apply filters
        </Button>
        <Button onClick={clear}>Clear</Button>
      </div>
    </form>
  );
}

/** A picked option (id) or typed text (used as an id when it matches no option). */
interface Picked {
  readonly id: string | null;
  readonly text: string;
}

const pickedId = (p: Picked): string | undefined => p.id ?? (p.text.trim() || undefined);
const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase() && b.trim() !== '';
const uniqueId = (matches: readonly { id: string }[]): string | undefined => (matches.length === 1 ? matches[0]!.id : undefined);

function PersonField({
  label,
  placeholder,
  people,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  people: readonly Person[];
  value: Picked;
  onChange(p: Picked): void;
}) {
  const styles = useStyles();
  const query = value.id === null ? value.text.trim().toLowerCase() : '';
  const matches = people
    .filter((p) => !query || personLabel(p).toLowerCase().includes(query) || (p.userPrincipalName ?? '').toLowerCase().includes(query))
    .slice(0, 50);
  return (
    <Field label={label}>
      <Combobox
        className={styles.combo}
        freeform
        placeholder={placeholder}
        value={value.text}
        selectedOptions={value.id ? [value.id] : []}
        onInput={(e) => onChange({ id: null, text: (e.target as HTMLInputElement).value })}
        onOptionSelect={(_e, d) => onChange({ id: d.optionValue ?? null, text: d.optionText ?? '' })}
      >
        {matches.map((p) => (
          <Option key={p.id} value={p.id} text={personLabel(p)}>
            <span className={styles.option}>
              <span>{personLabel(p)}</span>
              <span className={styles.hint}>{p.kind === 'group' ? 'Group' : (p.userPrincipalName ?? 'User')}</span>
            </span>
          </Option>
        ))}
      </Combobox>
    </Field>
  );
}

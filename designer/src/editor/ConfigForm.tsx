import { useEffect, useId, useMemo, useState } from 'react';
import { CheckIcon, CloseIcon } from '../components/icons';
import type { ActivityDescriptor, Json, JsonObject } from '../api/types';
import { textOf } from '../api/types';
import { gql } from '../api/respondClient';
import { VALIDATE_SCRIPT } from '../api/queries';
import {
  CONDITION_OPS,
  EVENT_FIELD_PATHS,
  emptyItem,
  formFor,
  joinDuration,
  splitDuration,
  withValue,
  type DurationUnit,
  type FormField,
} from '../rules/configForm';

const timeZones: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf: (k: string) => string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

export function Datalists() {
  return (
    <>
      <datalist id="field-paths">
        {EVENT_FIELD_PATHS.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <datalist id="time-zones">
        {timeZones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}

interface FieldProps {
  field: FormField;
  value: Json | undefined;
  onChange: (v: Json | undefined) => void;
  errors?: string[];
  readOnly: boolean;
  idPrefix: string;
}

/** The config form of one block, generated from its catalog inputs. */
export function ConfigForm(props: {
  block: ActivityDescriptor;
  nodeId: string;
  config: JsonObject;
  onChange: (c: JsonObject) => void;
  errors: Record<string, string[]>;
  readOnly: boolean;
}) {
  const fields = useMemo(() => formFor(props.block.inputs), [props.block]);
  return (
    <form className="stack" onSubmit={(e) => e.preventDefault()} aria-label={`${props.block.displayName} settings`}>
      {fields.map((f) => (
        <Field
          key={`${props.nodeId}-${f.name}`}
          field={f}
          value={props.config[f.name]}
          errors={props.errors[f.name]}
          readOnly={props.readOnly}
          idPrefix={`cfg-${props.nodeId}`}
          onChange={(v) => props.onChange(withValue(props.config, f, v))}
        />
      ))}
      {fields.length === 0 && <p className="muted">This block has nothing to configure.</p>}
    </form>
  );
}

function Field(props: FieldProps) {
  const id = `${props.idPrefix}-${props.field.name}`;
  const errorId = `${id}-error`;
  const invalid = !!props.errors?.length;
  const common = {
    id,
    'aria-invalid': invalid || undefined,
    'aria-describedby': invalid ? errorId : undefined,
    className: invalid ? 'invalid' : undefined,
    disabled: props.readOnly,
  };
  const label = (
    <>
      {props.field.label}
      {/* A no-break space: the asterisk never wraps onto a line of its own. */}
      {props.field.required && <span aria-hidden="true">{'\u00a0'}*</span>}
    </>
  );
  const help = props.field.help ? <span className="help">{props.field.help}</span> : null;
  const error = invalid ? (
    <span className="field-error" id={errorId} data-testid={`field-error-${props.field.name}`}>
      {props.errors!.join(' ')}
    </span>
  ) : null;

  if (props.field.kind === 'boolean')
    return (
      <div>
        <label className="check" htmlFor={id}>
          <input type="checkbox" {...common} checked={props.value === true} onChange={(e) => props.onChange(e.target.checked)} />
          {label}
        </label>
        {help}
        {error}
      </div>
    );
  const labelled = (control: React.ReactNode, asGroup = false) =>
    asGroup ? (
      <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }} data-field={props.field.name}>
        <legend style={{ fontWeight: 600, fontSize: 13, padding: 0, marginBottom: 4 }}>{label}</legend>
        {control}
        {help}
        {error}
      </fieldset>
    ) : (
      <label className="field" htmlFor={id} data-field={props.field.name}>
        {label}
        {control}
        {help}
        {error}
      </label>
    );

  const v = props.value;
  switch (props.field.kind) {
    case 'integer':
      return labelled(
        <input
          type="number"
          min={1}
          step={1}
          {...common}
          value={typeof v === 'number' ? v : ''}
          onChange={(e) => props.onChange(e.target.value === '' ? null : Number(e.target.value))}
        />,
      );
    case 'select':
      return labelled(
        <select {...common} value={typeof v === 'string' ? v : ''} onChange={(e) => props.onChange(e.target.value || undefined)}>
          <option value="">{props.field.required ? 'Choose…' : '(not set)'}</option>
          {props.field.options!.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>,
      );
    case 'duration':
      return labelled(<DurationInput {...props} id={id} invalid={invalid} />);
    case 'fieldPath':
      return labelled(
        <input
          {...common}
          list="field-paths"
          placeholder="user.id"
          value={typeof v === 'string' ? v : ''}
          onChange={(e) => props.onChange(e.target.value)}
        />,
      );
    case 'timeZone':
      return labelled(
        <input
          {...common}
          list="time-zones"
          placeholder="Europe/Berlin"
          value={typeof v === 'string' ? v : ''}
          onChange={(e) => props.onChange(e.target.value)}
        />,
      );
    case 'timeOfDay':
      return labelled(
        <input type="time" {...common} value={typeof v === 'string' ? v : ''} onChange={(e) => props.onChange(e.target.value)} />,
      );
    case 'cron':
      return labelled(
        <input
          {...common}
          className={`mono ${common.className ?? ''}`}
          placeholder="0 0/15 * * * ?"
          value={typeof v === 'string' ? v : ''}
          onChange={(e) => props.onChange(e.target.value)}
        />,
      );
    case 'template':
      return labelled(
        <input
          {...common}
          placeholder="Burst of failed sign-ins for {{user.name}}"
          value={typeof v === 'string' ? v : ''}
          onChange={(e) => props.onChange(e.target.value)}
        />,
      );
    case 'text':
      return labelled(<input {...common} value={typeof v === 'string' ? v : ''} onChange={(e) => props.onChange(e.target.value)} />);
    case 'stringList':
    case 'fieldPathList':
      return labelled(<StringList {...props} id={id} paths={props.field.kind === 'fieldPathList'} />, true);
    case 'multiSelect':
      return labelled(
        <div className="row">
          {props.field.options!.map((o) => {
            const on = Array.isArray(v) && v.includes(o);
            return (
              <label key={o} className="check">
                <input
                  type="checkbox"
                  disabled={props.readOnly}
                  checked={on}
                  onChange={() => props.onChange(on ? v.filter((x) => x !== o) : [...(Array.isArray(v) ? v : []), o])}
                />
                {o}
              </label>
            );
          })}
        </div>,
        true,
      );
    case 'conditions':
      return labelled(<Conditions {...props} />, true);
    case 'objectList':
      return labelled(<ObjectList {...props} />, true);
    case 'object':
      return labelled(
        <div className="subform">
          {props.field.fields!.map((f) => (
            <Field
              key={f.name}
              field={f}
              idPrefix={id}
              readOnly={props.readOnly}
              value={(v as JsonObject | undefined)?.[f.name]}
              onChange={(x) => props.onChange(withValue(v && typeof v === 'object' && !Array.isArray(v) ? v : {}, f, x))}
            />
          ))}
        </div>,
        true,
      );
    case 'code':
      return labelled(<CodeEditor {...props} id={id} invalid={invalid} />);
    default:
      return labelled(<JsonInput {...props} id={id} />);
  }
}

function DurationInput(props: FieldProps & { id: string; invalid: boolean }) {
  const parsed = typeof props.value === 'string' ? splitDuration(props.value) : null;
  const [amount, setAmount] = useState(parsed ? String(parsed.amount) : '');
  const [unit, setUnit] = useState<DurationUnit>(parsed?.unit ?? 'M');
  useEffect(() => {
    const p = typeof props.value === 'string' ? splitDuration(props.value) : null;
    if (p) {
      setAmount(String(p.amount));
      setUnit(p.unit);
    }
  }, [props.value]);
  const emit = (a: string, u: DurationUnit) => {
    const n = Number(a);
    props.onChange(a === '' ? '' : Number.isInteger(n) && n > 0 ? joinDuration(n, u) : `invalid:${a}`);
  };
  return (
    <div className="row" style={{ flexWrap: 'nowrap' }}>
      <input
        id={props.id}
        type="number"
        min={1}
        step={1}
        style={{ width: 90 }}
        disabled={props.readOnly}
        className={props.invalid ? 'invalid' : undefined}
        aria-invalid={props.invalid || undefined}
        value={amount}
        onChange={(e) => {
          setAmount(e.target.value);
          emit(e.target.value, unit);
        }}
      />
      <select
        aria-label={`${props.field.label} unit`}
        disabled={props.readOnly}
        value={unit}
        onChange={(e) => {
          const u = e.target.value as DurationUnit;
          setUnit(u);
          emit(amount, u);
        }}
      >
        <option value="S">seconds</option>
        <option value="M">minutes</option>
        <option value="H">hours</option>
        <option value="D">days</option>
      </select>
      <code className="muted">{typeof props.value === 'string' && !props.value.startsWith('invalid') ? props.value : ''}</code>
    </div>
  );
}

function StringList(props: FieldProps & { id: string; paths: boolean }) {
  const items = Array.isArray(props.value) ? props.value.map(String) : [];
  const [draft, setDraft] = useState('');
  const add = () => {
    if (draft.trim()) {
      props.onChange([...items, draft.trim()]);
      setDraft('');
    }
  };
  return (
    <div className="list-editor">
      {items.map((item, i) => (
        <div className="item" key={i}>
          <input
            aria-label={`${props.field.label} ${i + 1}`}
            list={props.paths ? 'field-paths' : undefined}
            disabled={props.readOnly}
            value={item}
            onChange={(e) => props.onChange(items.map((x, j) => (j === i ? e.target.value : x)))}
          />
          {!props.readOnly && (
            <button
              type="button"
              className="btn small ghost"
              aria-label={`Remove ${item}`}
              onClick={() => props.onChange(items.filter((_, j) => j !== i))}
            >
              <CloseIcon />
            </button>
          )}
        </div>
      ))}
      {!props.readOnly && (
        <div className="item">
          <input
            id={props.id}
            aria-label={`Add to ${props.field.label}`}
            list={props.paths ? 'field-paths' : undefined}
            placeholder={props.paths ? 'user.id' : 'Add a value'}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            onBlur={add}
          />
          <button type="button" className="btn small" onClick={add}>
            Add
          </button>
        </div>
      )}
    </div>
  );
}

function Conditions(props: FieldProps) {
  const rows = Array.isArray(props.value) ? (props.value as JsonObject[]) : [];
  const set = (i: number, key: string, val: Json) => props.onChange(rows.map((r, j) => (j === i ? { ...r, [key]: val } : r)));
  return (
    <div className="list-editor">
      {rows.map((r, i) => (
        <div className="item" key={i}>
          <input
            aria-label={`Condition ${i + 1} field`}
            list="field-paths"
            placeholder="field"
            disabled={props.readOnly}
            value={textOf(r.field)}
            onChange={(e) => set(i, 'field', e.target.value)}
          />
          <select
            aria-label={`Condition ${i + 1} operator`}
            disabled={props.readOnly}
            value={textOf(r.op ?? 'eq')}
            onChange={(e) => set(i, 'op', e.target.value)}
          >
            {CONDITION_OPS.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
          <input
            aria-label={`Condition ${i + 1} value`}
            placeholder="value"
            disabled={props.readOnly || r.op === 'exists'}
            value={r.value === undefined ? '' : typeof r.value === 'string' ? r.value : JSON.stringify(r.value)}
            onChange={(e) => {
              let val: Json = e.target.value;
              try {
                if (/^[[{0-9tfn-]/.test(e.target.value)) val = JSON.parse(e.target.value) as Json;
              } catch {
                /* keep text */
              }
              set(i, 'value', val);
            }}
          />
          {!props.readOnly && (
            <button
              type="button"
              className="btn small ghost"
              aria-label={`Remove condition ${i + 1}`}
              onClick={() => props.onChange(rows.filter((_, j) => j !== i))}
            >
              <CloseIcon />
            </button>
          )}
        </div>
      ))}
      {!props.readOnly && (
        <div>
          <button type="button" className="btn small" onClick={() => props.onChange([...rows, { field: '', op: 'eq', value: '' }])}>
            Add condition
          </button>
        </div>
      )}
    </div>
  );
}

function ObjectList(props: FieldProps) {
  const rows = Array.isArray(props.value) ? (props.value as JsonObject[]) : [];
  return (
    <div className="list-editor">
      {rows.map((r, i) => (
        <div className="subform" key={i}>
          {props.field.fields!.map((f) => (
            <Field
              key={f.name}
              field={f}
              idPrefix={`${props.idPrefix}-${props.field.name}-${i}`}
              readOnly={props.readOnly}
              value={r[f.name]}
              onChange={(x) => props.onChange(rows.map((row, j) => (j === i ? withValue(row, f, x) : row)))}
            />
          ))}
          {!props.readOnly && (
            <div>
              <button type="button" className="btn small danger" onClick={() => props.onChange(rows.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          )}
        </div>
      ))}
      {!props.readOnly && (
        <div>
          <button type="button" className="btn small" onClick={() => props.onChange([...rows, emptyItem(props.field.fields!)])}>
            Add {props.field.label.toLowerCase().replace(/s$/, '')}
          </button>
        </div>
      )}
    </div>
  );
}

interface Diagnostic {
  severity: string;
  code: string;
  message: string;
  line: number;
  column: number;
}

/** C# with the sandbox's own diagnostics (validateScript), checked as the author pauses typing. */
function CodeEditor(props: FieldProps & { id: string; invalid: boolean }) {
  const source = typeof props.value === 'string' ? props.value : '';
  const [diagnostics, setDiagnostics] = useState<Diagnostic[] | null>(null);
  const kind = props.field.language === 'csharp-expression' ? 'EXPRESSION' : 'RUN_SCRIPT';
  const listId = useId();
  useEffect(() => {
    if (!source.trim()) {
      setDiagnostics(null);
      return;
    }
    const t = setTimeout(() => {
      gql(VALIDATE_SCRIPT, { source, kind })
        .then((r) => setDiagnostics(r.validateScript))
        .catch(() => setDiagnostics(null));
    }, 500);
    return () => clearTimeout(t);
  }, [source, kind]);
  return (
    <div>
      <textarea
        id={props.id}
        className={`code ${props.invalid || diagnostics?.some((d) => d.severity === 'ERROR') ? 'invalid' : ''}`}
        spellCheck={false}
        disabled={props.readOnly}
        aria-describedby={listId}
        placeholder={kind === 'EXPRESSION' ? 'Event.Severity >= Severity.High && Event.User.Name != "svc"' : '// C# run in the sandbox'}
        value={source}
        onChange={(e) => props.onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Tab' && !e.shiftKey) {
            e.preventDefault();
            const t = e.currentTarget;
            const s = t.selectionStart;
            props.onChange(source.slice(0, s) + '    ' + source.slice(t.selectionEnd));
          }
        }}
      />
      <div id={listId} aria-live="polite">
        {diagnostics &&
          (diagnostics.length === 0 ? (
            <span className="small" style={{ color: 'var(--ok)' }}>
              <CheckIcon /> Compiles in the sandbox
            </span>
          ) : (
            <ul className="diagnostics">
              {diagnostics.map((d, i) => (
                <li key={i} className={d.severity === 'ERROR' ? 'field-error' : 'muted'}>
                  {d.line}:{d.column} {d.code} {d.message}
                </li>
              ))}
            </ul>
          ))}
      </div>
    </div>
  );
}

function JsonInput(props: FieldProps & { id: string }) {
  const [text, setText] = useState(() => (props.value === undefined ? '' : JSON.stringify(props.value, null, 2)));
  const [bad, setBad] = useState(false);
  return (
    <>
      <textarea
        id={props.id}
        className={`code ${bad ? 'invalid' : ''}`}
        style={{ minHeight: 60 }}
        disabled={props.readOnly}
        value={text}
        placeholder="{ }"
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) {
            setBad(false);
            props.onChange(undefined);
            return;
          }
          try {
            props.onChange(JSON.parse(e.target.value) as Json);
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <span className="field-error">Not valid JSON yet.</span>}
    </>
  );
}

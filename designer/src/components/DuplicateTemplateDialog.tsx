import { useState } from 'react';
import { mutate } from '../api/hooks';
import { DUPLICATE_TEMPLATE } from '../api/queries';
import type { RuleTemplate } from '../api/types';
import { navigate } from '../router';
import { useSession } from '../session';
import { Confirm, errorText } from './ui';

/** Creates a draft rule from a template under its own name (the template's, marked as a copy, editable), then opens it. */
export function DuplicateTemplateDialog(props: { template: RuleTemplate; onClose: () => void }) {
  const { toast } = useSession();
  const [name, setName] = useState(`${props.template.name} (copy)`);
  const create = async () => {
    const r = await mutate(DUPLICATE_TEMPLATE, { templateId: props.template.id, name: name.trim() || null }, 'duplicateTemplate');
    props.onClose();
    if (r.errors.length || !r.rule) {
      toast(errorText(r.errors), 'error');
      return;
    }
    toast(`Created “${r.rule.name}” from the template`);
    navigate(`/rules/${r.rule.id}`);
  };
  return (
    <Confirm
      open
      title="Create a rule from this template?"
      confirm="Create"
      onCancel={props.onClose}
      onConfirm={() => void create()}
      body={
        <div className="stack">
          <p>A new draft rule is created from “{props.template.name}”. It is not evaluated until you activate it.</p>
          <label className="field">
            Name of the new rule
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        </div>
      }
    />
  );
}

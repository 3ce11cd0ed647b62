import { useState } from 'react';
import { useQuery } from '../api/hooks';
import { TEMPLATES } from '../api/queries';
import type { RuleTemplate } from '../api/types';
import { navigate } from '../router';
import { useSession } from '../session';
import { Empty, ErrorBox, Loading, OutcomeBadge } from '../components/ui';
import { DuplicateTemplateDialog } from '../components/DuplicateTemplateDialog';

export function TemplatesPage() {
  const { can } = useSession();
  const { data, error, reload } = useQuery(TEMPLATES);
  const [q, setQ] = useState('');
  const [duplicating, setDuplicating] = useState<RuleTemplate | null>(null);
  const templates = (data?.communityTemplates ?? []).filter((t) =>
    `${t.name} ${t.description} ${t.tags.join(' ')}`.toLowerCase().includes(q.toLowerCase()),
  );

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Community Templates</h1>
          <p className="muted">
            Prebuilt starting points. Templates are never evaluated: duplicate one into a draft rule, review it, then activate.
          </p>
        </div>
        <input
          type="search"
          aria-label="Search templates"
          placeholder="Search templates"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {!data ? (
        <Loading />
      ) : templates.length === 0 ? (
        <Empty title="No template matches" />
      ) : (
        <div className="grid-cards">
          {templates.map((t) => (
            <article key={t.id} className="card stack" data-template={t.id} style={{ gap: 8 }}>
              <h2 style={{ margin: 0 }}>{t.name}</h2>
              <div className="row">
                <OutcomeBadge outcome={t.outcome} />
                {t.tags.map((tag) => (
                  <span key={tag} className="badge plain">
                    {tag}
                  </span>
                ))}
              </div>
              <p className="muted">{t.description}</p>
              <div className="row" style={{ marginTop: 'auto' }}>
                <button className="btn small" onClick={() => navigate(`/templates/${t.id}`)}>
                  View
                </button>
                {can('RuleAuthor') && (
                  <button className="btn small primary" aria-label={`Duplicate ${t.name}`} onClick={() => setDuplicating(t)}>
                    Duplicate
                  </button>
                )}
              </div>
            </article>
          ))}
        </div>
      )}
      {duplicating && <DuplicateTemplateDialog template={duplicating} onClose={() => setDuplicating(null)} />}
    </div>
  );
}

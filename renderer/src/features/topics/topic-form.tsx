import { useState } from 'react';
import { TOPIC_DEFAULTS, TopicCreateSchema, TopicPatchSchema, type Topic, type TopicCreate, type TopicPatch } from '../../../../protocol/admin-pubsub';
import { Field, Modal } from '../../components/ui';
import { useSaveForm, type SavePayload } from '../channels/use-save-form';
import { topicPatchOf } from './topics-slice';

interface Draft {
  name: string;
  maxDepth: string;
  maxAgeSeconds: string;
  overflow: 'drop-oldest' | 'reject';
  subscriptionTtlSeconds: string;
}

const draftOf = (t: Topic | null): Draft => ({
  name: t?.name ?? '',
  maxDepth: String(t?.maxDepth ?? TOPIC_DEFAULTS.maxDepth),
  maxAgeSeconds: String(t?.maxAgeSeconds ?? TOPIC_DEFAULTS.maxAgeSeconds),
  overflow: t?.overflow ?? TOPIC_DEFAULTS.overflow,
  subscriptionTtlSeconds: String(t?.subscriptionTtlSeconds ?? TOPIC_DEFAULTS.subscriptionTtlSeconds),
});

/** A typed number, or NaN (which the protocol schema refuses with a message next to the field). */
const num = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.trim()));

const valuesOf = (d: Draft): Required<TopicPatch> => ({
  maxDepth: num(d.maxDepth),
  maxAgeSeconds: num(d.maxAgeSeconds),
  overflow: d.overflow,
  subscriptionTtlSeconds: num(d.subscriptionTtlSeconds),
});

export function TopicForm(props: {
  topic: Topic | null;
  serverLabel: string;
  onSubmit: (p: SavePayload<TopicCreate>) => Promise<void>;
  onClose: () => void;
}) {
  const { topic } = props;
  const [d, setD] = useState<Draft>(() => draftOf(topic));
  const set = (p: Partial<Draft>) => setD((x) => ({ ...x, ...p }));
  const { errors, busy, submit } = useSaveForm<TopicCreate>({
    existingName: topic?.name ?? null,
    buildCreate: () => ({ name: d.name.trim(), ...valuesOf(d) }),
    createSchema: TopicCreateSchema,
    buildPatch: () => (topic ? topicPatchOf(topic, valuesOf(d)) : {}),
    patchSchema: TopicPatchSchema,
    onSubmit: props.onSubmit,
    onClose: props.onClose,
    errorRoots: ['topic', 'patch'],
  });
  const numField = (key: 'maxDepth' | 'maxAgeSeconds' | 'subscriptionTtlSeconds', label: string, hint: string) => (
    <Field label={label} error={errors[key]} hint={hint} htmlFor={`tp-${key}`}>
      <input id={`tp-${key}`} className={`input num ${errors[key] ? 'invalid' : ''}`} style={{ width: 160 }} value={d[key]} onChange={(e) => set({ [key]: e.target.value })} data-testid={`tp-${key}`} />
    </Field>
  );
  return (
    <Modal
      title={topic ? `Edit topic ${topic.name}` : 'New topic'}
      onClose={props.onClose}
      testId="topic-form"
      footer={
        <>
          <button className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button className="btn primary" onClick={() => void submit()} disabled={busy} data-testid="save-topic">
            {busy ? 'Saving…' : topic ? 'Save changes' : 'Create topic'}
          </button>
        </>
      }
    >
      <div className="muted">On server {props.serverLabel}{topic ? '; only the fields you change are sent.' : ''}</div>
      {errors._ ? <div className="error-text" role="alert">{errors._}</div> : null}
      <div className="form-grid">
        <Field label="Name" error={errors.name} hint="e.g. prices or orders.eu" htmlFor="tp-name">
          <input id="tp-name" className={`input mono ${errors.name ? 'invalid' : ''}`} value={d.name} disabled={topic !== null} onChange={(e) => set({ name: e.target.value })} data-testid="tp-name" />
        </Field>
        {numField('maxDepth', 'Max depth', 'Queued (unacked) messages kept per subscription')}
        <Field label="When full" error={errors.overflow} hint="drop-oldest keeps publishing; reject refuses new messages" htmlFor="tp-overflow">
          <select id="tp-overflow" className="input" value={d.overflow} onChange={(e) => set({ overflow: e.target.value as Draft['overflow'] })} data-testid="tp-overflow">
            <option value="drop-oldest">drop-oldest</option>
            <option value="reject">reject</option>
          </select>
        </Field>
        {numField('maxAgeSeconds', 'Max age (s)', 'Older messages are dropped from queues')}
        {numField('subscriptionTtlSeconds', 'Subscription TTL (s)', 'A detached client’s subscription is deleted after this')}
      </div>
    </Modal>
  );
}

'use client';

import Link from 'next/link';
import { Dialog } from 'radix-ui';
import { useState, type FormEvent } from 'react';
import { ClusterCreated, CreateClusterRequest, type ClusterSummary } from '@ratchet/contracts';

import { AlertMessage } from '@/components/alert-message';
import { CodeBlock } from '@/components/copy-button';
import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { formatTime } from '@/lib/format.util';
import { checkedForm } from '@/lib/form.util';
import { useMutation } from '@/lib/use-mutation';

/** Clusters: register one and get its agent token and install commands, shown this once. */
export function ClustersSection({ clusters, orgId, canEdit }: { clusters: ClusterSummary[]; orgId: string; canEdit: boolean }) {
  const mutation = useMutation();
  const [created, setCreated] = useState<ClusterCreated | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    const result = await mutation.submitForm(
      event,
      (form) => checkedForm(CreateClusterRequest.safeParse({ name: form.get('name') })),
      async (body) => ClusterCreated.parse(await apiSend('POST', '/api/v1/clusters', body, orgId)),
    );
    if (result) setCreated(result);
  }

  return (
    <section className="panel" id="clusters" aria-labelledby="clusters-title">
      <h2 id="clusters-title" style={{ marginTop: 0 }}>
        Clusters
      </h2>
      {clusters.length === 0 ? <p className="muted">No cluster yet: register one, then install the agent in it.</p> : null}
      {clusters.length > 0 ? (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Agent</th>
              <th scope="col">Namespaces</th>
              <th scope="col">Open findings</th>
            </tr>
          </thead>
          <tbody>
            {clusters.map((cluster) => (
              <tr key={cluster.id}>
                <td>
                  <Link href={`/clusters/${cluster.id}`}>{cluster.name}</Link>
                </td>
                <td>
                  {cluster.agent.status} · last seen {formatTime(cluster.lastSeenAt)}
                  {cluster.agent.version ? ` · v${cluster.agent.version}` : ''}
                </td>
                <td>{cluster.counts.namespaces}</td>
                <td>{cluster.counts.openFindings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canEdit ? (
        <form onSubmit={(event) => void submit(event)} noValidate className="row" style={{ alignItems: 'end', marginTop: 12 }}>
          <FormField id="name" label="New cluster name (lowercase letters, digits, -)" required error={mutation.fields.name} placeholder="prod-eu-1" />
          <button className="btn primary" type="submit" disabled={mutation.busy}>
            Register cluster
          </button>
        </form>
      ) : (
        <p className="small muted">Only owners and admins register clusters.</p>
      )}
      <AlertMessage message={mutation.message} />
      <Dialog.Root open={created !== null} onOpenChange={(open) => (open ? undefined : setCreated(null))}>
        <Dialog.Portal>
          <Dialog.Overlay className="dialog-overlay" />
          <Dialog.Content className="dialog">
            <Dialog.Title>Install the agent in {created?.cluster.name}</Dialog.Title>
            <Dialog.Description className="notice">
              The agent token is shown this once: copy it now. Ratchet keeps only its hash; issue a new token to rotate.
            </Dialog.Description>
            {created ? (
              <>
                <CodeBlock label="Agent token" code={created.agentToken} />
                <CodeBlock label="Helm command" code={created.install.helmCommand} />
                <CodeBlock label="values.yaml" code={created.install.helmValues} />
                <CodeBlock label="Secret instead of values (kubectl)" code={created.install.kubectlSecretCommand} />
              </>
            ) : null}
            <Dialog.Close className="btn primary">I have copied it</Dialog.Close>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </section>
  );
}

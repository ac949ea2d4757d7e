'use client';

import { useState, type FormEvent } from 'react';
import { CreateInvitationRequest, InvitationCreated, OrgRole, type Invitation, type Member } from '@ratchet/contracts';

import { AlertMessage } from '@/components/alert-message';
import { CodeBlock } from '@/components/copy-button';
import { DeleteButton } from '@/components/delete-button';
import { FormField } from '@/components/form-field';
import { TableHead } from '@/components/table-head';
import { apiSend } from '@/lib/api.client';
import { formatTime } from '@/lib/format.util';
import { checkedForm } from '@/lib/form.util';
import { useMutation } from '@/lib/use-mutation';

const ROLES = OrgRole.options;

/** Members and their roles, and invitations (the accept link is shown once, when it was not emailed). */
export function MembersSection({
  members,
  invitations,
  orgId,
  canManage,
  selfId,
}: {
  members: Member[];
  invitations: Invitation[] | null;
  orgId: string;
  canManage: boolean;
  selfId: string;
}) {
  const mutation = useMutation();
  const [invited, setInvited] = useState<InvitationCreated | null>(null);

  async function invite(event: FormEvent<HTMLFormElement>) {
    const result = await mutation.submitForm(
      event,
      (form) => checkedForm(CreateInvitationRequest.safeParse({ email: form.get('inviteEmail'), role: form.get('inviteRole') }), (errors) => ({ inviteEmail: errors.email ?? '' })),
      async (body) => InvitationCreated.parse(await apiSend('POST', '/api/v1/invitations', body, orgId)),
    );
    if (result) setInvited(result);
  }

  return (
    <section className="panel" id="members" aria-labelledby="members-title">
      <h2 id="members-title" style={{ marginTop: 0 }}>
        Members
      </h2>
      <table className="data">
        <TableHead columns={['Name', 'Email', 'Role', 'Joined']} />
        <tbody>
          {members.map((member) => (
            <tr key={member.id}>
              <td>{member.name}</td>
              <td>{member.email}</td>
              <td>
                {canManage && member.userId !== selfId ? (
                  <select
                    aria-label={`Role of ${member.email}`}
                    defaultValue={member.role}
                    disabled={mutation.busy}
                    onChange={(event) => void mutation.run(() => apiSend('PATCH', `/api/v1/members/${member.id}`, { role: event.target.value }, orgId))}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                ) : (
                  member.role
                )}
              </td>
              <td>{formatTime(member.joinedAt)}</td>
              <td>
                {canManage && member.userId !== selfId ? (
                  <DeleteButton mutation={mutation} path={`/api/v1/members/${member.id}`} orgId={orgId} label={`Remove ${member.email}`}>
                    Remove
                  </DeleteButton>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {invitations !== null ? (
        <>
          <h3>Invitations</h3>
          {invited ? (
            <div className="notice" role="status">
              {invited.emailSent ? `Invitation emailed to ${invited.invitation.email}. ` : `No email was sent: give ${invited.invitation.email} this link (shown once). `}
              <CodeBlock label="Accept link" code={invited.acceptUrl} />
            </div>
          ) : null}
          {invitations.length > 0 ? (
            <table className="data">
              <TableHead columns={['Email', 'Role', 'Status', 'Expires']} />
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>{invitation.role}</td>
                    <td>{invitation.status}</td>
                    <td>{formatTime(invitation.expiresAt)}</td>
                    <td>
                      {invitation.status === 'pending' && canManage ? (
                        <DeleteButton mutation={mutation} path={`/api/v1/invitations/${invitation.id}`} orgId={orgId} label={`Revoke invitation of ${invitation.email}`}>
                          Revoke
                        </DeleteButton>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No invitation.</p>
          )}
          {canManage ? (
            <form onSubmit={(event) => void invite(event)} noValidate className="row" style={{ alignItems: 'end', marginTop: 12 }}>
              <FormField id="inviteEmail" label="Invite by email" type="email" required error={mutation.fields.inviteEmail || mutation.fields.email} />
              <div>
                <label htmlFor="inviteRole">Role</label>
                <select id="inviteRole" name="inviteRole" defaultValue="viewer">
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              </div>
              <button className="btn primary" type="submit" disabled={mutation.busy}>
                Invite
              </button>
            </form>
          ) : null}
        </>
      ) : null}
      <AlertMessage message={mutation.message} />
    </section>
  );
}

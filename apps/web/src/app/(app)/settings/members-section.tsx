'use client';

import { useState, type FormEvent } from 'react';
import { CreateInvitationRequest, InvitationCreated, OrgRole, type Invitation, type Member } from '@ratchet/contracts';

import { CodeBlock } from '@/components/copy-button';
import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { formatTime } from '@/lib/format.util';
import { zodFieldErrors } from '@/lib/form.util';
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
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const parsed = CreateInvitationRequest.safeParse({ email: form.get('inviteEmail'), role: form.get('inviteRole') });
    if (!parsed.success) {
      const errors = zodFieldErrors(parsed.error);
      mutation.setFields({ inviteEmail: errors.email ?? '' });
      return;
    }
    const result = await mutation.run(async () => InvitationCreated.parse(await apiSend('POST', '/api/v1/invitations', parsed.data, orgId)));
    if (result) {
      formElement.reset();
      setInvited(result);
    }
  }

  return (
    <section className="panel" id="members" aria-labelledby="members-title">
      <h2 id="members-title" style={{ marginTop: 0 }}>
        Members
      </h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Joined</th>
            <th scope="col">
              <span className="skip-text">Actions</span>
            </th>
          </tr>
        </thead>
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
                  <button
                    type="button"
                    className="btn small danger"
                    aria-label={`Remove ${member.email}`}
                    disabled={mutation.busy}
                    onClick={() => void mutation.run(() => apiSend('DELETE', `/api/v1/members/${member.id}`, undefined, orgId))}
                  >
                    Remove
                  </button>
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
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="skip-text">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>{invitation.role}</td>
                    <td>{invitation.status}</td>
                    <td>{formatTime(invitation.expiresAt)}</td>
                    <td>
                      {invitation.status === 'pending' && canManage ? (
                        <button
                          type="button"
                          className="btn small danger"
                          aria-label={`Revoke invitation of ${invitation.email}`}
                          disabled={mutation.busy}
                          onClick={() => void mutation.run(() => apiSend('DELETE', `/api/v1/invitations/${invitation.id}`, undefined, orgId))}
                        >
                          Revoke
                        </button>
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
      {mutation.message ? (
        <div className="alert" role="alert">
          {mutation.message}
        </div>
      ) : null}
    </section>
  );
}

import { z } from 'zod';

import { Id, Timestamp } from './common.contract.js';

/** An email address, lowercased so that one address is one account. */
export const Email = z.email().max(254).toLowerCase();
export type Email = z.infer<typeof Email>;

/** A new password: long enough to resist guessing, short enough to hash cheaply with argon2id. */
export const NewPassword = z.string().min(12).max(256);

/** A person's or an organization's display name. */
export const DisplayName = z.string().trim().min(1).max(100);

/**
 * A secret shown once (agent token, API token, invitation token): only its hash is stored. Bounded so a
 * header cannot carry an arbitrarily long value into the hashing path.
 */
export const SecretToken = z.string().min(32).max(256);

/** A member's role in an organization: owners manage members and billing, admins manage clusters and tokens. */
export const OrgRole = z.enum(['owner', 'admin', 'viewer']);
export type OrgRole = z.infer<typeof OrgRole>;

/** `POST /api/v1/auth/signup`: a new user and the organization they own. */
export const SignUpRequest = z.strictObject({
  email: Email,
  password: NewPassword,
  name: DisplayName,
  organizationName: DisplayName,
});
export type SignUpRequest = z.infer<typeof SignUpRequest>;

/** `POST /api/v1/auth/login`. The password is not held to the sign-up rules, which may change. */
export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** The signed-in user, the organization of the session and their role in it (`GET /api/v1/auth/me`). */
export const Session = z.strictObject({
  user: z.strictObject({ id: Id, email: Email, name: DisplayName }),
  organization: z.strictObject({ id: Id, name: DisplayName }),
  role: OrgRole,
});
export type Session = z.infer<typeof Session>;

/** A member of an organization. */
export const Member = z.strictObject({
  userId: Id,
  email: Email,
  name: DisplayName,
  role: OrgRole,
  joinedAt: Timestamp,
});
export type Member = z.infer<typeof Member>;

/** `PATCH /api/v1/members/:userId`: change a member's role. */
export const UpdateMemberRequest = z.strictObject({ role: OrgRole });
export type UpdateMemberRequest = z.infer<typeof UpdateMemberRequest>;

/** `POST /api/v1/invitations`: invite someone by email with a role. */
export const CreateInvitationRequest = z.strictObject({
  email: Email,
  role: OrgRole,
});
export type CreateInvitationRequest = z.infer<typeof CreateInvitationRequest>;

/** Where an invitation stands. */
export const InvitationStatus = z.enum(['pending', 'accepted', 'revoked', 'expired']);
export type InvitationStatus = z.infer<typeof InvitationStatus>;

/** An invitation as listed. */
export const Invitation = z.strictObject({
  id: Id,
  email: Email,
  role: OrgRole,
  status: InvitationStatus,
  invitedBy: z.strictObject({ id: Id, email: Email }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  acceptedAt: Timestamp.nullable(),
});
export type Invitation = z.infer<typeof Invitation>;

/** The answer to creating an invitation: the token for the invitation link, shown this once. */
export const InvitationCreated = z.strictObject({
  invitation: Invitation,
  token: SecretToken,
});
export type InvitationCreated = z.infer<typeof InvitationCreated>;

/**
 * `POST /api/v1/invitations/accept`. Someone without an account sends `name` and `password` to create one;
 * a signed-in user sends the token alone.
 */
export const AcceptInvitationRequest = z
  .strictObject({
    token: SecretToken,
    name: DisplayName.optional(),
    password: NewPassword.optional(),
  })
  .refine((request) => (request.name === undefined) === (request.password === undefined), {
    message: 'name and password go together',
    path: ['password'],
  });
export type AcceptInvitationRequest = z.infer<typeof AcceptInvitationRequest>;

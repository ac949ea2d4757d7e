import { z } from 'zod';

import { Id, StorableText, Timestamp } from './common.contract.js';

/** An email address, lowercased so that one address is one account. */
export const Email = z.email().max(254).toLowerCase();
export type Email = z.infer<typeof Email>;

/** A new password: long enough to resist guessing, short enough to hash cheaply with argon2id. */
export const NewPassword = StorableText.min(12).max(256);

/** A person's or an organization's display name. */
export const DisplayName = StorableText.trim().min(1).max(100);

/**
 * A secret shown once (agent token, API token, invitation token): only its hash is stored. Bounded so a
 * header cannot carry an arbitrarily long value into the hashing path.
 */
export const SecretToken = z.string().min(32).max(256);

/** A member's role in an organization: owners manage members and billing, admins manage clusters and tokens. */
export const OrgRole = z.enum(['owner', 'admin', 'viewer']);
export type OrgRole = z.infer<typeof OrgRole>;

/** `POST /api/v1/auth/signup`: a new user and the organization they own. The password may not be the email. */
export const SignUpRequest = z
  .strictObject({
    email: Email,
    password: NewPassword,
    name: DisplayName,
    organizationName: DisplayName,
  })
  .refine((request) => request.password.toLowerCase() !== request.email, {
    message: 'must not be your email address',
    path: ['password'],
  });
export type SignUpRequest = z.infer<typeof SignUpRequest>;

/** `POST /api/v1/auth/login`. The password is not held to the sign-up rules, which may change. */
export const LoginRequest = z.strictObject({
  email: Email,
  password: StorableText.min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** An organization as its members see it in lists; send its `id` as `X-Ratchet-Org` to act in it. */
export const OrganizationRef = z.strictObject({ id: Id, name: DisplayName, slug: z.string().min(1).max(64) });
export type OrganizationRef = z.infer<typeof OrganizationRef>;

/** The signed-in user and every organization they belong to, with their role (`GET /api/v1/me`, sign-up, login). */
export const Me = z.strictObject({
  user: z.strictObject({ id: Id, email: Email, name: DisplayName }),
  memberships: z.array(z.strictObject({ membershipId: Id, organization: OrganizationRef, role: OrgRole })),
});
export type Me = z.infer<typeof Me>;

/** A live browser session of the signed-in user (`GET /api/v1/auth/sessions`); `current` is the caller's own. */
export const UserSession = z.strictObject({
  id: Id,
  current: z.boolean(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  lastSeenAt: Timestamp.nullable(),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type UserSession = z.infer<typeof UserSession>;

export const UserSessionList = z.strictObject({ items: z.array(UserSession) });
export type UserSessionList = z.infer<typeof UserSessionList>;

/** `DELETE /api/v1/auth/sessions/:sessionId`. */
export const SessionParams = z.strictObject({ sessionId: Id });
export type SessionParams = z.infer<typeof SessionParams>;

/** A member of an organization; `id` is the membership's, which the member endpoints take. */
export const Member = z.strictObject({
  id: Id,
  userId: Id,
  email: Email,
  name: DisplayName,
  role: OrgRole,
  joinedAt: Timestamp,
});
export type Member = z.infer<typeof Member>;

export const MemberList = z.strictObject({ items: z.array(Member) });
export type MemberList = z.infer<typeof MemberList>;

/** `PATCH|DELETE /api/v1/members/:membershipId`. */
export const MembershipParams = z.strictObject({ membershipId: Id });
export type MembershipParams = z.infer<typeof MembershipParams>;

/** `PATCH /api/v1/members/:membershipId`: change a member's role. */
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
  /** Null once the inviting user's account is gone. */
  invitedBy: z.strictObject({ id: Id, email: Email }).nullable(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  acceptedAt: Timestamp.nullable(),
});
export type Invitation = z.infer<typeof Invitation>;

export const InvitationList = z.strictObject({ items: z.array(Invitation) });
export type InvitationList = z.infer<typeof InvitationList>;

/** `DELETE /api/v1/invitations/:invitationId`. */
export const InvitationParams = z.strictObject({ invitationId: Id });
export type InvitationParams = z.infer<typeof InvitationParams>;

/**
 * The answer to creating an invitation: the accept link (it carries the invitation's secret token, so it is
 * shown this once) and whether it was also emailed to the invitee.
 */
export const InvitationCreated = z.strictObject({
  invitation: Invitation,
  acceptUrl: z.url(),
  emailSent: z.boolean(),
});
export type InvitationCreated = z.infer<typeof InvitationCreated>;

/**
 * `POST /api/v1/invitations/accept`. A signed-in user sends the token alone; someone without an account sends
 * `email` (the invited address), `name` and `password` together to create one.
 */
export const AcceptInvitationRequest = z
  .strictObject({
    token: SecretToken,
    email: Email.optional(),
    name: DisplayName.optional(),
    password: NewPassword.optional(),
  })
  .refine(
    (request) => {
      const given = [request.email, request.name, request.password].filter((field) => field !== undefined).length;
      return given === 0 || given === 3;
    },
    { message: 'email, name and password go together', path: ['password'] },
  )
  .refine((request) => request.password === undefined || request.password.toLowerCase() !== request.email, {
    message: 'must not be your email address',
    path: ['password'],
  });
export type AcceptInvitationRequest = z.infer<typeof AcceptInvitationRequest>;

/** The answer to accepting an invitation: the organization joined, and whether an account was created for it. */
export const InvitationAccepted = z.strictObject({
  membershipId: Id,
  organization: OrganizationRef,
  role: OrgRole,
  accountCreated: z.boolean(),
});
export type InvitationAccepted = z.infer<typeof InvitationAccepted>;

export type { AlertChannelSender, SendContext, SendResult } from './channels/alert-channel.js';
export { channelHosts, channelSender, sendThroughChannel } from './channels/channel-registry.js';
export { emailChannel } from './channels/email.channel.js';
export { slackChannel, slackPayload } from './channels/slack.channel.js';
export { teamsChannel, teamsPayload } from './channels/teams.channel.js';
export {
  DELIVERY_HEADER,
  REPLAY_WINDOW_SECONDS,
  SIGNATURE_HEADER,
  SIGNATURE_TIMESTAMP_HEADER,
  signWebhookBody,
  webhookChannel,
} from './channels/webhook.channel.js';
export {
  OutboundRefusedError,
  forbiddenAddressReason,
  isAllowedHostEntry,
  outboundPolicy,
  parseAllowedHosts,
  pinOutboundHost,
  systemResolver,
  type HostResolver,
  type OutboundPolicy,
  type PinnedHost,
  type ResolvedAddress,
} from './outbound/outbound-address.js';
export { EXCERPT_BYTES, postPinned, type HttpAnswer } from './outbound/pinned-http.js';
export { LISTED_ALERTS, alertLine, messageText, messageTitle } from './render/alert-text.util.js';

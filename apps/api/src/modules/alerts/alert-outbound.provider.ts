import { outboundPolicy, systemResolver } from '@ratchet/alerts';
import type { HostResolver, OutboundPolicy } from '@ratchet/alerts';
import type { Provider } from '@nestjs/common';

import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';

/** DI token of the OutboundPolicy channels are checked against at save and sent through on test. */
export const ALERT_OUTBOUND_POLICY = Symbol('ALERT_OUTBOUND_POLICY');

/** The policy from RATCHET_ALERT_ALLOWED_HOSTS; `resolver` replaces the system resolver (tests play DNS with it). */
export function alertOutboundProvider(resolver: HostResolver = systemResolver): Provider<OutboundPolicy> {
  return {
    provide: ALERT_OUTBOUND_POLICY,
    useFactory: (config: ApiConfig) => outboundPolicy(config.RATCHET_ALERT_ALLOWED_HOSTS, resolver),
    inject: [API_CONFIG],
  };
}

/** metav1.Status, the body of every API error (and of a watch ERROR event). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: Record<string, unknown>;
  code: number;
}

export function kubeStatus(code: number, reason: string, message: string, details?: Record<string, unknown>): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export const unauthorized = () => kubeStatus(401, 'Unauthorized', 'Unauthorized');
export const notFound = (message: string, details?: Record<string, unknown>) => kubeStatus(404, 'NotFound', message, details);
export const badRequest = (message: string) => kubeStatus(400, 'BadRequest', message);
export const methodNotAllowed = (message: string) => kubeStatus(405, 'MethodNotAllowed', message);
export const expired = (message: string) => kubeStatus(410, 'Expired', message);

/** The apiserver's answer to a list whose `continue` token points before the compacted history. */
export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

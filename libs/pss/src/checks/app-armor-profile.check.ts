import type { CheckDefinition, PodView, Violation } from '../policy/check.types.js';
import { containerNames, compareGo, goQuote, joinQuote, sortedSet } from '../policy/format.util.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedType(type: string): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

function appArmorProfileV1_0({ metadata, spec, containers }: PodView): Violation | undefined {
  const podProfile = spec.securityContext?.appArmorProfile;
  const podBad = podProfile != null && !allowedType(podProfile.type ?? '');
  let badTypes: string[] | undefined = podBad ? [podProfile.type ?? ''] : undefined;
  let badContainers: string[] | undefined;
  for (const container of containers) {
    const profile = container.securityContext?.appArmorProfile;
    if (profile != null && !allowedType(profile.type ?? '')) {
      (badContainers ??= []).push(container.name);
      (badTypes ??= []).push(profile.type ?? '');
    }
  }

  let badAnnotations: string[] | undefined;
  const annotations = metadata.annotations;
  if (annotations) {
    for (const key in annotations) {
      const value = annotations[key] ?? '';
      if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(value)) {
        (badAnnotations ??= []).push(`${key}=${goQuote(value)}`);
      }
    }
  }
  if (!podBad && !badContainers && !badAnnotations) return undefined;
  const setters: string[] = podBad ? ['pod'] : [];
  if (badContainers) setters.push(containerNames(badContainers));
  const badValues = sortedSet(badTypes ?? []);
  if (badAnnotations) {
    badValues.push(...badAnnotations.sort(compareGo));
    setters.push(badAnnotations.length === 1 ? 'annotation' : 'annotations');
  }
  return {
    reason: badValues.length === 1 ? 'forbidden AppArmor profile' : 'forbidden AppArmor profiles',
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValues)}`,
  };
}

export const appArmorProfileCheck: CheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minVersion: 0, check: appArmorProfileV1_0 }],
};

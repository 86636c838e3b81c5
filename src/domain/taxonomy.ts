/**
 * Reference Security Incident Taxonomy (RSIT), as published in the MISP taxonomy `rsit`
 * (version 1003). `classification.taxonomy` is one of the keys; `classification.type` one of the
 * values under it. A test checks this table against ../shared/data/misp/taxonomies/rsit.
 */
export const RSIT = {
  'abusive-content': ['spam', 'harmful-speech', 'violence'],
  'malicious-code': ['infected-system', 'c2-server', 'malware-distribution', 'malware-configuration'],
  'information-gathering': ['scanner', 'sniffing', 'social-engineering'],
  'intrusion-attempts': ['ids-alert', 'brute-force', 'exploit'],
  intrusions: [
    'privileged-account-compromise',
    'unprivileged-account-compromise',
    'application-compromise',
    'system-compromise',
    'burglary',
  ],
  availability: ['dos', 'ddos', 'misconfiguration', 'sabotage', 'outage'],
  'information-content-security': [
    'unauthorised-information-access',
    'unauthorised-information-modification',
    'data-loss',
    'data-leak',
  ],
  fraud: ['unauthorised-use-of-resources', 'copyright', 'masquerade', 'phishing'],
  vulnerable: [
    'weak-crypto',
    'ddos-amplifier',
    'potentially-unwanted-accessible',
    'information-disclosure',
    'vulnerable-system',
  ],
  other: ['other', 'undetermined'],
  test: ['test'],
} as const;

export type RsitTaxonomy = keyof typeof RSIT;
export type RsitType = (typeof RSIT)[RsitTaxonomy][number];

export const RSIT_TAXONOMIES = Object.keys(RSIT) as RsitTaxonomy[];
export const RSIT_TYPES: readonly RsitType[] = Object.values(RSIT).flat();

const TYPE_TO_TAXONOMY = new Map<string, RsitTaxonomy>();
for (const t of RSIT_TAXONOMIES) for (const v of RSIT[t]) TYPE_TO_TAXONOMY.set(v, t);

/** The taxonomy a type belongs to (each RSIT type sits under exactly one taxonomy). */
export function taxonomyOf(type: string): RsitTaxonomy | undefined {
  return TYPE_TO_TAXONOMY.get(type);
}

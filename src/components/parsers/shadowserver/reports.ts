/**
 * Accord's own table of Shadowserver report types: one entry per report, recognised by its exact
 * header column set. Adding a report type is adding an entry here (columns, constants, mapping);
 * columns without a mapping land in extra.<column>.
 *
 * Orientation: for an infected host, source.* is the victim and destination.* the C2 or sinkhole
 * it contacted. Classification follows RSIT (classification.taxonomy is derived from the type).
 * malware.name is the family (lower case), falling back to the infection name; the infection
 * name (more specific, e.g. "b68-zeroaccess-2-32bit") is classification.identifier.
 *
 * Checked against Shadowserver's own published IntelMQ mapping (report_schema_intelmq.json);
 * fields IntelMQ has and Accord's schema lacks (product.*, severity, os.*) stay in extra.
 */
import type { RawFields } from '../../../domain/schema/event.js';
import type { ColumnMapping, Conversion } from './plan.js';

export interface ReportType {
  /** Shadowserver's report name (file_name), e.g. "event4_sinkhole"; the feed is "shadowserver-<name>". */
  readonly name: string;
  readonly description: string;
  /** Shadowserver's page describing the report. */
  readonly url: string;
  /** The header, in Shadowserver's order; recognition compares the set of names. */
  readonly columns: readonly string[];
  readonly constants: Readonly<RawFields>;
  readonly map: Readonly<Record<string, readonly ColumnMapping[]>>;
}

const to = (field: string, conv?: Conversion, more?: Partial<ColumnMapping>): ColumnMapping => ({
  to: field,
  ...(conv ? { conv } : {}),
  ...more,
});
const required = (field: string): ColumnMapping => ({ to: field, required: true });

const PROVIDER = { 'feed.provider': 'Shadowserver' } as const;
const INFECTED = { 'classification.type': 'infected-system' } as const;

const EVENT4_COLUMNS = [
  'timestamp',
  'protocol',
  'src_ip',
  'src_port',
  'src_asn',
  'src_geo',
  'src_region',
  'src_city',
  'src_hostname',
  'src_naics',
  'src_sector',
  'device_vendor',
  'device_type',
  'device_model',
  'dst_ip',
  'dst_port',
  'dst_asn',
  'dst_geo',
  'dst_region',
  'dst_city',
  'dst_hostname',
  'dst_naics',
  'dst_sector',
  'public_source',
  'infection',
  'family',
  'tag',
  'application',
  'version',
  'event_id',
] as const;

/** The event4_* sinkhole layouts (one victim -> sinkhole connection per row). */
const EVENT4_MAP: ReportType['map'] = {
  timestamp: [required('time.source')],
  protocol: [to('protocol.transport', 'lower')],
  src_ip: [required('source.ip')],
  src_port: [to('source.port')],
  src_asn: [to('source.asn', 'nonzero')],
  src_geo: [to('source.geolocation.cc')],
  src_region: [to('source.geolocation.region')],
  src_city: [to('source.geolocation.city')],
  src_hostname: [to('source.reverse_dns', 'fqdn')],
  src_naics: [to('extra.source.naics', 'nonzero')],
  src_sector: [to('extra.source.sector', 'none')],
  device_vendor: [to('extra.device_vendor', 'none')],
  device_type: [to('extra.device_type', 'none')],
  device_model: [to('extra.device_model', 'none')],
  dst_ip: [to('destination.ip', 'ip')],
  dst_port: [to('destination.port')],
  dst_asn: [to('destination.asn', 'nonzero')],
  dst_geo: [to('destination.geolocation.cc')],
  dst_region: [to('destination.geolocation.region')],
  dst_city: [to('destination.geolocation.city')],
  dst_hostname: [to('destination.reverse_dns', 'fqdn')],
  dst_naics: [to('extra.destination.naics', 'nonzero')],
  dst_sector: [to('extra.destination.sector', 'none')],
  infection: [to('classification.identifier', 'lower'), to('malware.name', 'lower', { fallback: true })],
  family: [to('malware.name', 'lower'), to('classification.identifier', 'lower', { fallback: true })],
  application: [to('protocol.application', 'lower')],
};

const SINKHOLE_URL = 'https://www.shadowserver.org/what-we-do/network-reporting/sinkhole-events-report/';

export const REPORT_TYPES: readonly ReportType[] = [
  {
    name: 'event4_sinkhole',
    description: 'Sinkhole Events (IPv4): infected hosts seen connecting to a sinkhole',
    url: SINKHOLE_URL,
    columns: EVENT4_COLUMNS,
    constants: { ...PROVIDER, ...INFECTED, 'feed.code': 'event4_sinkhole' },
    map: EVENT4_MAP,
  },
  {
    // Same header as event4_sinkhole: told apart by the file name or the `report` option.
    name: 'event4_microsoft_sinkhole',
    description: 'Microsoft Sinkhole Events (IPv4): infected hosts seen by Microsoft sinkholes',
    url: SINKHOLE_URL,
    columns: EVENT4_COLUMNS,
    constants: { ...PROVIDER, ...INFECTED, 'feed.code': 'event4_microsoft_sinkhole' },
    map: EVENT4_MAP,
  },
  {
    name: 'event4_sinkhole_http',
    description: 'Sinkhole HTTP Events (IPv4): infected hosts making HTTP requests to a sinkhole',
    url: 'https://www.shadowserver.org/what-we-do/network-reporting/sinkhole-http-events-report/',
    columns: [
      ...EVENT4_COLUMNS,
      'http_url',
      'http_host',
      'http_agent',
      'forwarded_by',
      'ssl_cipher',
      'http_referer',
    ],
    constants: { ...PROVIDER, ...INFECTED, 'feed.code': 'event4_sinkhole_http' },
    map: {
      ...EVENT4_MAP,
      http_url: [to('destination.url', 'host-url')],
      http_host: [to('destination.fqdn', 'fqdn')],
      http_agent: [to('extra.user_agent')],
    },
  },
  {
    name: 'compromised_website',
    description: 'Compromised Website: web sites seen hosting malicious content or defaced',
    url: 'https://www.shadowserver.org/what-we-do/network-reporting/compromised-website-report/',
    columns: [
      'timestamp',
      'ip',
      'port',
      'hostname',
      'tag',
      'application',
      'asn',
      'geo',
      'region',
      'city',
      'url',
      'http_host',
      'category',
      'system',
      'detected_since',
      'server',
      'redirect_target',
      'naics',
      'sic',
      'sector',
      'cc_url',
      'family',
    ],
    constants: {
      ...PROVIDER,
      'classification.type': 'system-compromise',
      'classification.identifier': 'compromised-website',
      'feed.code': 'compromised_website',
    },
    map: {
      timestamp: [required('time.source')],
      ip: [required('source.ip')],
      port: [to('source.port')],
      hostname: [to('source.reverse_dns', 'fqdn')],
      application: [to('protocol.application', 'lower')],
      asn: [to('source.asn', 'nonzero')],
      geo: [to('source.geolocation.cc')],
      region: [to('source.geolocation.region')],
      city: [to('source.geolocation.city')],
      url: [to('source.url', 'host-url')],
      http_host: [to('source.fqdn', 'fqdn')],
      category: [to('event_description.text')],
      naics: [to('extra.naics', 'nonzero')],
      sic: [to('extra.sic', 'nonzero')],
      family: [to('malware.name', 'lower')],
    },
  },
  {
    name: 'botnet_drone',
    description: 'Drone (legacy Botnet Drone report): infected hosts and the C2 they talk to',
    url: 'https://www.shadowserver.org/what-we-do/network-reporting/drone-botnet-drone-report/',
    columns: [
      'timestamp',
      'ip',
      'port',
      'asn',
      'geo',
      'region',
      'city',
      'hostname',
      'type',
      'infection',
      'url',
      'agent',
      'cc_ip',
      'cc_port',
      'cc_asn',
      'cc_geo',
      'cc_dns',
      'count',
      'proxy',
      'application',
      'p0f_genre',
      'p0f_detail',
      'machine_name',
      'id',
      'naics',
      'sic',
      'cc_naics',
      'cc_sic',
      'sector',
      'cc_sector',
      'ssl_cipher',
      'family',
      'tag',
      'public_source',
    ],
    constants: { ...PROVIDER, ...INFECTED, 'feed.code': 'botnet_drone' },
    map: {
      timestamp: [required('time.source')],
      ip: [required('source.ip')],
      port: [to('source.port')],
      asn: [to('source.asn', 'nonzero')],
      geo: [to('source.geolocation.cc')],
      region: [to('source.geolocation.region')],
      city: [to('source.geolocation.city')],
      hostname: [to('source.reverse_dns', 'fqdn')],
      type: [to('protocol.transport', 'lower')],
      infection: [to('classification.identifier', 'lower'), to('malware.name', 'lower', { fallback: true })],
      family: [to('malware.name', 'lower'), to('classification.identifier', 'lower', { fallback: true })],
      url: [to('destination.url', 'host-url')],
      agent: [to('extra.user_agent')],
      cc_ip: [to('destination.ip', 'ip')],
      cc_port: [to('destination.port')],
      cc_asn: [to('destination.asn', 'nonzero')],
      cc_geo: [to('destination.geolocation.cc')],
      cc_dns: [to('destination.fqdn', 'fqdn')],
      count: [to('extra.connection_count', 'int')],
      proxy: [to('extra.proxy', 'bool')],
      application: [to('protocol.application', 'lower')],
      p0f_genre: [to('extra.os.name', 'none')],
      p0f_detail: [to('extra.os.version', 'none')],
      machine_name: [to('source.local_hostname', 'none')],
      id: [to('extra.id', 'none')],
      naics: [to('extra.naics', 'nonzero')],
      sic: [to('extra.sic', 'nonzero')],
      cc_naics: [to('extra.destination.naics', 'nonzero')],
      cc_sic: [to('extra.destination.sic', 'nonzero')],
      sector: [to('extra.sector', 'none')],
      cc_sector: [to('extra.destination.sector', 'none')],
    },
  },
  {
    name: 'microsoft_sinkhole',
    description: 'Microsoft Sinkhole (legacy layout): infected hosts seen by Microsoft sinkholes',
    url: 'https://www.shadowserver.org/what-we-do/network-reporting/microsoft-sinkhole-report/',
    columns: [
      'timestamp',
      'ip',
      'asn',
      'geo',
      'url',
      'type',
      'http_agent',
      'tor',
      'src_port',
      'p0f_genre',
      'p0f_detail',
      'hostname',
      'dst_port',
      'http_host',
      'http_referer',
      'http_referer_ip',
      'http_referer_asn',
      'http_referer_geo',
      'dst_ip',
      'dst_asn',
      'dst_geo',
      'naics',
      'sic',
      'http_referer_naics',
      'http_referer_sic',
      'sector',
      'ssl_cipher',
      'application',
      'version',
    ],
    constants: { ...PROVIDER, ...INFECTED, 'feed.code': 'microsoft_sinkhole' },
    map: {
      timestamp: [required('time.source')],
      ip: [required('source.ip')],
      asn: [to('source.asn', 'nonzero')],
      geo: [to('source.geolocation.cc')],
      url: [to('destination.url', 'host-url')],
      type: [to('malware.name', 'lower'), to('classification.identifier', 'lower')],
      http_agent: [to('extra.user_agent')],
      tor: [to('extra.source.tor_node', 'tor')],
      src_port: [to('source.port')],
      p0f_genre: [to('extra.os.name', 'none')],
      p0f_detail: [to('extra.os.version', 'none')],
      hostname: [to('source.reverse_dns', 'fqdn')],
      dst_port: [to('destination.port')],
      http_host: [to('destination.fqdn', 'fqdn')],
      http_referer_asn: [to('extra.http_referer_asn', 'nonzero')],
      dst_ip: [to('destination.ip', 'ip')],
      dst_asn: [to('destination.asn', 'nonzero')],
      dst_geo: [to('destination.geolocation.cc')],
      naics: [to('extra.naics', 'nonzero')],
      sic: [to('extra.sic', 'nonzero')],
      http_referer_naics: [to('extra.http_referer_naics', 'nonzero')],
      http_referer_sic: [to('extra.http_referer_sic', 'nonzero')],
      sector: [to('extra.sector', 'none')],
      application: [to('protocol.application', 'lower')],
    },
  },
];

/** The set key of a header: its column names, sorted. */
export function headerKey(columns: readonly string[]): string {
  return [...columns].sort().join('\u0000');
}

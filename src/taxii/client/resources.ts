/** TAXII 2.1 resources as a client reads them (TAXII 2.1, sections 3 to 5). */

export interface Discovery {
  readonly title: string;
  readonly description?: string;
  readonly contact?: string;
  readonly default?: string;
  readonly api_roots?: readonly string[];
}

export interface ApiRootInfo {
  readonly title: string;
  readonly description?: string;
  readonly versions: readonly string[];
  /** The largest request body the API root accepts, in bytes. */
  readonly max_content_length: number;
}

export interface CollectionInfo {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly alias?: string;
  readonly can_read: boolean;
  readonly can_write: boolean;
  readonly media_types?: readonly string[];
}

export interface StatusDetail {
  readonly id: string;
  readonly version: string;
  readonly message?: string;
}

export interface StatusResource {
  readonly id: string;
  readonly status: 'complete' | 'pending';
  readonly request_timestamp?: string;
  readonly total_count: number;
  readonly success_count: number;
  readonly successes?: readonly StatusDetail[];
  readonly failure_count: number;
  readonly failures?: readonly StatusDetail[];
  readonly pending_count: number;
  readonly pendings?: readonly StatusDetail[];
}

/** GET objects filters (TAXII 2.1, 3.4 and 3.5). */
export interface ObjectsQuery {
  /** A TAXII timestamp: only objects added after it. */
  readonly addedAfter?: string;
  readonly limit?: number;
  readonly next?: string;
  readonly match?: {
    readonly id?: readonly string[];
    readonly type?: readonly string[];
    readonly version?: readonly string[];
    readonly spec_version?: readonly string[];
  };
}

/** One page of a GET objects answer. `text` is the envelope exactly as received. */
export interface ObjectsPage {
  readonly url: string;
  readonly text: string;
  readonly more: boolean;
  readonly next?: string;
  readonly objectCount: number;
  /** X-TAXII-Date-Added-First / -Last, as the server wrote them. */
  readonly dateAddedFirst?: string;
  readonly dateAddedLast?: string;
}

/** A TAXII error message body (TAXII 2.1, 3.6.1). */
export interface TaxiiErrorBody {
  readonly title?: string;
  readonly description?: string;
  readonly error_id?: string;
  readonly error_code?: string;
  readonly http_status?: string;
}

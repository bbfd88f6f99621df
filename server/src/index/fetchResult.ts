// What a fetch answers, whether the HTTP client or a file: index (a folder on disk) answered it. Errors are values.

export interface FetchResult {
  ok: boolean;
  status: number;
  body: string;
  contentType: string;
  etag?: string;
  lastModified?: string;
  cacheControl?: string;
  /** Plain words, credentials removed, when `ok` is false. */
  error?: string;
  /**
   * Set when the answer says the host is down (it failed now, or has been failing and was not asked):
   * "http://host cannot be reached (connection refused)".
   */
  unreachable?: string;
}

export interface Conditional {
  etag?: string;
  lastModified?: string;
}

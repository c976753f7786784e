/**
 * Readers of PortalDuct's invoice pages [assumed shape; see docs/openapi.yaml]: the invoice list,
 * the total and page size, and the continuation a page carries (the lead to the next page).
 */
import type { IDataObject } from 'n8n-workflow';

import { pick } from './answers';

/**
 * How a page points at the next one, as PortalDuct wrote it; `field` is where it was found
 * (e.g. `links.next`), for error messages.
 * - `link`: a URL to GET next, absolute or relative to the page's own URL, exactly as given;
 * - `page`: the page number to ask for next (sent as our own `page` parameter);
 * - `cursor`: a token sent back as the query parameter `param`;
 * - `more`: more pages follow (`hasMore: true`), by our own page numbers;
 * - `end`: PortalDuct says nothing follows (`hasMore: false`, or `next: null`).
 */
export type Continuation =
	| { kind: 'link'; link: string; field: string }
	| { kind: 'page'; page: number; field: string }
	| { kind: 'cursor'; cursor: string; param: string; field: string }
	| { kind: 'more'; field: string }
	| { kind: 'end'; field: string };

export interface InvoicePage {
	invoices: IDataObject[];
	/** Total across pages when PortalDuct says it; a plain array means everything at once. */
	total?: number;
	/** The page size PortalDuct says it used. */
	pageSize?: number;
	/** The lead to the next page, when the page carries one. */
	continuation?: Continuation;
	complete: boolean;
}

/** Objects paging fields are found in besides the top level [assumed, common spellings]. */
const wrappers = ['meta', 'pagination', 'paging', 'links', '_links', 'pageInfo', 'page_info', 'response_metadata'];

/** Fields naming the next page: a URL, a page number, or a token (sent back as `cursor` [assumed]). */
const nextNames = [
	'next',
	'nextLink',
	'next_link',
	'nextUrl',
	'next_url',
	'nextPageUrl',
	'next_page_url',
	'@odata.nextLink',
	'nextPage',
	'next_page',
];

/**
 * Token fields and the query parameter each is sent back as [assumed: PortalDuct names none; the
 * parameter is the field's own name where APIs commonly do so, else `cursor`].
 */
const cursorNames: Array<[field: string, param: string]> = [
	['nextCursor', 'cursor'],
	['next_cursor', 'cursor'],
	['nextPageToken', 'pageToken'],
	['next_page_token', 'page_token'],
	['continuationToken', 'continuationToken'],
	['continuation_token', 'continuation_token'],
	['nextToken', 'nextToken'],
	['next_token', 'next_token'],
];

/** Booleans saying whether more pages follow. */
const moreNames = ['hasMore', 'has_more', 'more', 'hasNextPage', 'has_next_page'];

const totalNames = ['total', 'totalCount', 'total_count', 'totalItems', 'total_items', 'totalResults', 'total_results'];
const pageSizeNames = ['pageSize', 'page_size', 'perPage', 'per_page'];

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** The top level, then each wrapper object the page has, with the prefix to name a field by. */
function places(page: IDataObject): Array<[prefix: string, source: IDataObject]> {
	const found: Array<[string, IDataObject]> = [['', page]];
	for (const name of wrappers) if (isObject(page[name])) found.push([`${name}.`, page[name] as IDataObject]);
	return found;
}

/** The first of `names` present (even as null) in any place: the name found by and its value. */
function find(page: IDataObject, names: string[]): { field: string; value: unknown } | undefined {
	for (const name of names) {
		for (const [prefix, source] of places(page)) {
			if (name in source) return { field: `${prefix}${name}`, value: source[name] };
		}
	}
	return undefined;
}

const looksLikeUrl = (text: string) => /^(https?:\/\/|\/|\?)/i.test(text);

/**
 * A next-page field's value: a link (string or `{href}`), a page number, a token sent back as
 * `param`, or null (the end). In a token field (`tokenField`) a number is a token, not a page.
 */
function nextFrom(field: string, value: unknown, param: string, tokenField: boolean): Continuation | undefined {
	if (value === null || value === '' || value === false) return { kind: 'end', field };
	if (isObject(value) && typeof value.href === 'string') return nextFrom(field, value.href, param, tokenField);
	if (typeof value === 'number' && tokenField) return { kind: 'cursor', cursor: String(value), param, field };
	if (typeof value === 'number' && Number.isInteger(value) && value > 0) return { kind: 'page', page: value, field };
	if (typeof value !== 'string') return undefined;
	if (/^\d+$/.test(value) && Number(value) > 0 && !tokenField) return { kind: 'page', page: Number(value), field };
	if (looksLikeUrl(value)) return { kind: 'link', link: value, field };
	return { kind: 'cursor', cursor: value, param, field };
}

const truthy = (value: unknown) => value === true || value === 'true' || value === 1;
const falsy = (value: unknown) => value === false || value === 'false' || value === 0;

/**
 * The continuation of a page, in this order: `hasMore: false` (the end, whatever else the page
 * says); a next-page field (`next`, `nextPage`, `next_page_url`, `links.next` as a string or
 * `{href}`, also under `meta`, `pagination`, ...); a token (`nextCursor`, `continuationToken`, ...);
 * a bare `cursor` (null there is not the end: it may be the cursor of this page); `hasMore: true`.
 * Undefined when the page names none of them.
 */
export function readContinuation(page: IDataObject): Continuation | undefined {
	const more = find(page, moreNames);
	if (more && falsy(more.value)) return { kind: 'end', field: more.field };
	let end: Continuation | undefined;
	const next = find(page, nextNames);
	for (const [name, param] of [['', 'cursor'], ...cursorNames]) {
		const found = name === '' ? next : find(page, [name]);
		const read = found && nextFrom(found.field, found.value, param, name !== '');
		if (read?.kind === 'end') end ??= read;
		else if (read) return read;
	}
	const bare = find(page, ['cursor']);
	if (bare && typeof bare.value === 'string' && bare.value !== '') {
		return { kind: 'cursor', cursor: bare.value, param: 'cursor', field: bare.field };
	}
	if (more && truthy(more.value)) return { kind: 'more', field: more.field };
	return end;
}

/** A positive number from the first of `names` in any place, else undefined. */
function numberFrom(page: IDataObject, names: string[], atLeast: number): number | undefined {
	for (const name of names) {
		for (const [, source] of places(page)) {
			const value = pick(source, [name]);
			if (value === undefined || typeof value === 'boolean') continue;
			const number = Number(value);
			if (Number.isInteger(number) && number >= atLeast) return number;
		}
	}
	return undefined;
}

/**
 * Reads `{data:[...], page, pageSize, total}` [assumed]; also `invoices` / `items` / `results`, or
 * a plain array (everything at once); the total as `total`, `totalCount`, `total_count`, ... and
 * the page size as `pageSize`, `page_size`, `per_page`, at the top or under `meta` / `pagination`;
 * the continuation as `readContinuation` says. Returns a reason (string) for an answer that has
 * no invoice list; never throws.
 */
export function readInvoicePage(body: unknown): InvoicePage | string {
	if (Array.isArray(body)) return { invoices: body as IDataObject[], complete: true };
	if (typeof body !== 'object' || body === null) return 'the answer was not JSON';
	const page = body as IDataObject;
	const list = pick(page, ['data', 'invoices', 'items', 'results']);
	if (!Array.isArray(list)) {
		return 'the answer had no invoice list (looked for "data", "invoices", "items", "results" or a plain array)';
	}
	return {
		invoices: list as IDataObject[],
		total: numberFrom(page, totalNames, 0),
		pageSize: numberFrom(page, pageSizeNames, 1),
		continuation: readContinuation(page),
		complete: false,
	};
}

/** Our camelCase field name in snake_case, as a snake_case PortalDuct would write it. */
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * A field of an invoice (or balance) by its contract name (`dueDate`), or as snake_case
 * (`due_date`) [assumed variant]. Undefined when neither is there.
 */
export function fieldOf(record: IDataObject, name: string): IDataObject[string] {
	return record[name] ?? record[snake(name)];
}

/**
 * Your platform's own ids (a CRM's company 48213, `acme-42`) as the UUIDs PortalDuct wants
 * [doc: customer and client UUIDs are chosen by the caller]: a name-based UUID, RFC 9562 version 5
 * (SHA-1), of the id exactly as written, under one fixed namespace. The same id always gives the
 * same UUID, in this package and in any other UUID v5 library, so ids never need a lookup table.
 */
import { createHash } from 'node:crypto';

import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { describeValue, invalidField, readUuid } from './validation';

/**
 * The namespace of every derived id. Fixed forever: changing it would change every derived UUID.
 * `uuidv5('48213', OWN_ID_NAMESPACE)` is `ownIdToUuid('48213')`.
 */
export const OWN_ID_NAMESPACE = '58d234b9-afc6-49bf-a242-14e02a24ebd3';

/** RFC 9562 section 5.5: SHA-1 of namespace bytes + name (UTF-8), version 5, variant 10. */
export function ownIdToUuid(ownId: string, namespace = OWN_ID_NAMESPACE): string {
	const hash = createHash('sha1')
		.update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
		.update(ownId, 'utf8')
		.digest();
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const idFormatField: INodeProperties = {
	displayName: 'ID Format',
	name: 'idFormat',
	type: 'options',
	default: 'uuid',
	options: [
		{
			name: 'UUID',
			value: 'uuid',
			description: 'The customer and client IDs are UUIDs, sent as they are',
		},
		{
			name: 'Your Own ID (Any Text)',
			value: 'ownId',
			description:
				'IDs of your platform such as 48213 or acme-42: each is turned into the same UUID every time (UUID version 5), and both are output',
		},
	],
	description: 'How the customer and client IDs below are written',
};

/**
 * The id field of one record in both formats: the UUID field (shown for ID Format "UUID") and
 * `<kind>OwnId` (shown for "Your Own ID"). Returns both, in that order.
 */
export function idFieldsFor(uuidField: INodeProperties, kind: 'customer' | 'client'): INodeProperties[] {
	const label = kind === 'customer' ? 'Customer' : 'Client';
	return [
		{ ...uuidField, displayOptions: { show: { idFormat: ['uuid'] } } },
		{
			displayName: `${label} ID (Your Own)`,
			name: `${kind}OwnId`,
			type: 'string',
			required: true,
			default: '',
			placeholder: kind === 'customer' ? 'e.g. 48213' : 'e.g. acme-42',
			description: `The ID of this ${kind} in your own platform, as written there; PortalDuct gets the UUID derived from it`,
			displayOptions: { show: { idFormat: ['ownId'] } },
		},
	];
}

export interface ReadId {
	/** The UUID sent to PortalDuct. */
	uuid: string;
	/** Your own id as written, when the ID Format is "Your Own ID". */
	ownId?: string;
}

/**
 * Reads a customer or client id field in the item's ID Format. Throws NodeOperationError naming
 * the item and field: not a UUID (format UUID), or empty / over 200 characters (format own id).
 */
export function readId(
	ctx: IExecuteFunctions,
	uuidName: string,
	kind: 'customer' | 'client',
	label: string,
	itemIndex: number,
): ReadId {
	if (ctx.getNodeParameter('idFormat', itemIndex, 'uuid') !== 'ownId') {
		// A CRM id such as 48213 in a UUID field: the fix is a field away, so the error names it.
		const ownIdFix = (value: unknown) =>
			(typeof value === 'string' && value.trim() !== '') || typeof value === 'number'
				? `If ${describeValue(value)} is the ${kind}'s ID in your own platform, set "ID Format" to "Your Own ID (Any Text)": the node turns it into the same UUID every time.`
				: undefined;
		return { uuid: readUuid(ctx, uuidName, `${label} UUID`, itemIndex, ownIdFix) };
	}
	const value = ctx.getNodeParameter(`${kind}OwnId`, itemIndex, '') as unknown;
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
	if (!text || text.length > 200) {
		throw invalidField(ctx, itemIndex, `${label} ID (Your Own)`, 'an ID of your platform of 1 to 200 characters, such as 48213', value);
	}
	return { uuid: ownIdToUuid(text), ownId: text };
}

/** `{<kind>OwnId}` for an own id, to output beside the UUID; `{}` for a UUID. */
export function idOwn(kind: 'customer' | 'client', id: ReadId): Record<string, string> {
	return id.ownId !== undefined ? { [`${kind}OwnId`]: id.ownId } : {};
}

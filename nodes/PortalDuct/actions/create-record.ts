import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { recordFields } from '../api';
import { portalDuctRequest } from '../transport/request';
import type { Run } from '../transport/run';
import { readContactExtras, readText } from '../validation';

export type IfExists = 'error' | 'continue';

export interface RecordInput {
	body: IDataObject;
	/**
	 * The caller's ids as written (their case kept), and their own platform ids when given,
	 * repeated in the output over PortalDuct's echo.
	 */
	ids: IDataObject;
	ifExists: IfExists;
}

export function companyNameField(placeholder: string, whose: string): INodeProperties {
	return {
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: `e.g. ${placeholder}`,
		description: `Company name of the ${whose}`,
	};
}

/** The fields every create shares (name, email, metadata, If Already Exists) after its ids. */
export function readRecordInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	ids: IDataObject,
	ownIds: IDataObject = {},
): RecordInput {
	const { email, metadata } = readContactExtras(ctx, itemIndex);
	const body: IDataObject = { ...ids, [recordFields.name]: readText(ctx, 'name', 'Name', itemIndex) };
	if (email !== undefined) body[recordFields.email] = email;
	if (metadata !== undefined) body[recordFields.metadata] = metadata;
	return {
		body,
		ids: { ...ids, ...ownIds },
		ifExists: ctx.getNodeParameter('ifExists', itemIndex, 'error') as IfExists,
	};
}

/**
 * Customer and client creation behave the same: the caller picks the UUID, a duplicate is 409.
 * Output is the record PortalDuct returned, or what was sent when PortalDuct's answer could not
 * be had (the create landed but its answer was lost, or the record was already there).
 */
export async function createRecord(
	run: Run,
	request: RecordInput & { path: string; subject: string; missing?: string; itemIndex: number },
): Promise<IDataObject> {
	const answer = await portalDuctRequest(run, {
		method: 'POST',
		path: request.path,
		body: request.body,
		resend: 'create',
		itemIndex: request.itemIndex,
		subject: request.subject,
		missing: request.missing,
		answers: request.ifExists === 'continue' ? [409] : undefined,
	});
	if (answer.landedEarlier) {
		// The first send created it and only its answer was lost: that is a success, not a duplicate.
		return { ...request.body, ...request.ids, created: true, alreadyExisted: false };
	}
	if (answer.status === 409) {
		return { ...request.body, ...request.ids, created: false, alreadyExisted: true };
	}
	const record =
		typeof answer.body === 'object' && answer.body !== null && !Array.isArray(answer.body)
			? (answer.body as IDataObject)
			: request.body;
	return { ...record, ...request.ids, created: true, alreadyExisted: false };
}

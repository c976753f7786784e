/**
 * Workflow JSON builders for engine tests: the same shape n8n's editor exports, so what the tests
 * run is what a user would import.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

export const PORTALDUCT = 'n8n-nodes-portalduct.portalDuct';
export const PORTALDUCT_TRIGGER = 'n8n-nodes-portalduct.portalDuctTrigger';
export const CREDENTIAL_ID = 'PortalDuctSandbx';
export const credentialRef = { portalDuctApi: { id: CREDENTIAL_ID, name: 'PortalDuct sandbox' } };

export interface WorkflowJson {
	name: string;
	nodes: IDataObject[];
	connections: IDataObject;
	settings?: IDataObject;
}

/** n8n's node setting "On Error": stop, continue (using regular output), continue (using error output). */
export type OnErrorSetting = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

/** A manual trigger into one PortalDuct node called "PortalDuct". */
export function singleAction(
	parameters: IDataObject,
	options: { continueOnFail?: boolean; onError?: OnErrorSetting } = {},
): WorkflowJson {
	const onError = options.onError ?? (options.continueOnFail ? 'continueRegularOutput' : undefined);
	return {
		name: 'test',
		nodes: [
			{
				id: 'trigger',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'portalduct',
				name: 'PortalDuct',
				type: PORTALDUCT,
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials: credentialRef,
				...(onError ? { onError } : {}),
			},
		],
		connections: { Start: { main: [[{ node: 'PortalDuct', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Items as a previous node would hand them over. */
export function itemsOf(rows: IDataObject[]) {
	return rows.map((json) => ({ json }));
}

/** A fresh v4 UUID, so tests never collide. */
export const uuid = (): string => randomUUID();

/**
 * A PortalDuct Trigger (fresh webhookId) into a NoOp called `next`, as a user builds it;
 * `id` makes it a workflow of its own (static data and process memory are per workflow).
 */
export function triggerWorkflow(
	{ statuses = ['pending', 'success', 'failure'], options = {}, next = 'Notify', id }: {
		statuses?: string[];
		options?: IDataObject;
		next?: string;
		id?: string;
	} = {},
): WorkflowJson {
	return {
		...(id ? { id } : {}),
		name: 'status alerts',
		nodes: [
			{
				id: 'trigger',
				name: 'PortalDuct Trigger',
				type: PORTALDUCT_TRIGGER,
				typeVersion: 1,
				position: [0, 0],
				webhookId: uuid(),
				parameters: { statuses, options },
				credentials: credentialRef,
			},
			{ id: 'next', name: next, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} },
		],
		connections: { 'PortalDuct Trigger': { main: [[{ node: next, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

import type { Run } from '../transport/run';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

/**
 * One PortalDuct action. `read` checks every field of an item and sends nothing, so the router can
 * refuse bad items before any request goes out; `execute` does the calls for one item.
 */
export interface PortalDuctAction<Input = unknown> {
	resource: string;
	/** The operation entry in the node panel: `action` is the text n8n shows in the actions list. */
	operation: INodePropertyOptions & { action: string };
	/**
	 * Whether it changes something in PortalDuct. A write runs one item at a time when the run
	 * stops on the first error, so no item after the failing one is written (as without concurrency).
	 */
	writes?: boolean;
	/** Its fields, without displayOptions: the node shows them for this resource + operation. */
	fields: INodeProperties[];
	read(this: IExecuteFunctions, itemIndex: number): Input;
	/** `run` carries the run's options and credential reads to every request (transport/run.ts). */
	execute(this: IExecuteFunctions, input: Input, itemIndex: number, run: Run): Promise<IDataObject | IDataObject[]>;
}

export function defineAction<Input>(action: PortalDuctAction<Input>): PortalDuctAction<Input> {
	return action;
}

/** A resource of the node panel, its actions, and the Operation field that picks one. */
export interface PortalDuctResource {
	option: INodePropertyOptions;
	actions: Array<PortalDuctAction<any>>;
	operationPicker: INodeProperties;
}

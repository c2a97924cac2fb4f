// A request handler: a plain function of the workbench and the request's parsed arguments.
import type { ParsedArgs, RequestName, Result } from '../../../src-shared/contract'
import type { Workbench } from '../workbench'

export type Handler<K extends RequestName> = (wb: Workbench, args: ParsedArgs<K>) => Promise<Result<K>>

/** The handlers of some requests (`Handlers` alone: of every request, which the workbench checks it has). */
export type Handlers<K extends RequestName = RequestName> = { [P in K]: Handler<P> }

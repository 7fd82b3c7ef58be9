/** The part of `node-red-node-test-helper` (which ships no types) that the node tests use. */
declare module 'node-red-node-test-helper' {
  import type { Node } from 'node-red';
  import type { SinonSpy } from 'sinon';

  /** A loaded node: a runtime node whose `status`, `log`, `warn`, `error` and `send` are spies. */
  type TestNode = Node & {
    status: SinonSpy;
    log: SinonSpy;
    warn: SinonSpy;
    error: SinonSpy;
    send: SinonSpy;
    credentials: any;
    [key: string]: any;
  };

  interface NodeTestHelper {
    init(runtimePath?: string, userSettings?: Record<string, unknown>): void;
    settings(userSettings?: Record<string, unknown>): Record<string, unknown>;
    load(nodes: unknown | unknown[], flow: object[], credentials?: Record<string, object>): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): TestNode;
    setFlows(flow: object[], type?: 'full' | 'nodes' | 'flows', credentials?: Record<string, object>): Promise<void>;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    log(): SinonSpy;
    credentials: { export(): Promise<Record<string, unknown>> } & Record<string, any>;
  }

  const helper: NodeTestHelper;
  export = helper;
}

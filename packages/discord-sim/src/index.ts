/** discord-sim: a local Discord HTTP API v10 and gateway v10 simulator with a control API. */
export { startSimulator } from './simulator.ts';
export type { Simulator, SimulatorOptions } from './simulator.ts';
export { seedDemoGuild } from './control/demo-guild.ts';
export type { DemoGuildIds } from './control/demo-guild.ts';
export { SimulatedState } from './state/simulated-state.ts';
export type { PrivilegedIntentName } from './gateway/protocol.ts';

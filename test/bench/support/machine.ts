/** The machine a run was measured on, for the results header and `docs/benchmarks.md`. */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** What the results header says about the machine. */
export interface MachineInfo {
  readonly date: string;
  readonly node: string;
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGb: number;
  /** 1-minute load average when the run started: other work on the machine skews timings. */
  readonly loadAtStart: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Date, `node -v`, `nproc`, CPU model (from /proc/cpuinfo), memory and load. */
export function describeMachine(): MachineInfo {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    cores: availableParallelism(),
    cpu: cpuModel(),
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadAtStart: loadavg()[0] ?? 0,
  };
}

/** One line: `2026-11-27T14:00:00Z · Node v20.20.2 · 2 cores · AMD EPYC · 23 GB · load 0.4`. */
export function machineLine(machine: MachineInfo): string {
  return [
    machine.date,
    `Node ${machine.node}`,
    `${machine.cores} cores`,
    machine.cpu,
    `${machine.memoryGb} GB`,
    `load ${machine.loadAtStart.toFixed(2)} at start`,
  ].join(' · ');
}

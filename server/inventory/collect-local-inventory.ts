import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { AppError } from '../errors/app-error';
import { INVENTORY_SCRIPT, parseInventoryScriptOutput, type InventoryProblem } from './inventory-script';
import type { Inventory } from './inventory.schema';

const run = promisify(execFile);
/** A host with 100k packages prints a few MB; more than this is not an inventory. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** This host's inventory, from the same script an SSH scan runs on a target. */
export async function collectLocalInventory(): Promise<{ inventory: Inventory; problems: InventoryProblem[] }> {
  let stdout: string;
  try {
    ({ stdout } = await run('/bin/sh', ['-c', INVENTORY_SCRIPT], { maxBuffer: MAX_OUTPUT_BYTES, timeout: 120_000, env: { ...process.env, LC_ALL: 'C' } }));
  } catch (error) {
    throw new AppError('INTERNAL', `could not list this host's packages: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseInventoryScriptOutput(stdout, os.hostname());
}

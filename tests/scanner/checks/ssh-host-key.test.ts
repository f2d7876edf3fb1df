import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sshHostKeyOf } from '../../../scanner/checks/ssh-host-key';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-host-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SSH host key fingerprint', () => {
  // OpenSSH's own ssh-keygen is the reference: the console shows what an admin sees with `ssh-keygen -l`.
  it.each([
    ['ed25519', 'ssh-ed25519'],
    ['ecdsa', 'ecdsa-sha2-nistp256'],
    ['rsa', 'ssh-rsa'],
  ])('matches ssh-keygen -l for a %s key', (type, algorithm) => {
    const keyFile = path.join(dir, type);
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-f', keyFile]);
    const keyBlob = Buffer.from(readFileSync(`${keyFile}.pub`, 'utf8').split(' ')[1]!, 'base64');
    const reference = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${keyFile}.pub`], { encoding: 'utf8' }).split(' ')[1];
    expect(sshHostKeyOf(keyBlob)).toEqual({ algorithm, fingerprint: reference });
  });

  it('reports a garbled key type as unknown rather than repeating what a hostile server sent', () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('ssh\n\u0007'), Buffer.alloc(32)]);
    expect(sshHostKeyOf(blob).algorithm).toBe('unknown');
    expect(sshHostKeyOf(Buffer.from([0, 0])).algorithm).toBe('unknown');
    expect(sshHostKeyOf(blob).fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

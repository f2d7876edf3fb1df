import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { KbAffectedPackage, KbContribution, KbImporter, KbImportProblem } from '../kb-types';
import { openUpstreamFile } from './open-upstream-file';
import { CVE_ID, DEBIAN_RELEASES } from './importer-utils';

/*
 * OVAL definitions files (Debian, Ubuntu USN), read as a stream.
 *
 * An OVAL document lists its definitions FIRST and the tests, objects, states and variables they
 * point at AFTER them, so a definition can only be resolved once the whole file has been read.
 * The reader therefore streams the document once with saxes and keeps:
 *   - per definition, only what a contribution needs (ids, title, description, advisory
 *     metadata, the test ids its criteria name) — never the XML itself;
 *   - small maps id → {kind, refs} for tests, id → package name for objects, id → version for
 *     states, id → values for constant variables.
 * Contributions are built from those at the end. Memory is proportional to the number of
 * definitions and ids, not to the size of the document.
 *
 * The shared reader lives here and is reused by ubuntu-oval.importer.ts.
 */

/** An `<!DOCTYPE` with an internal subset or an external id, or any `<!ENTITY`, is refused. */
const HOSTILE_PROLOG = /<!ENTITY|<!DOCTYPE[^>]*(\[|\bSYSTEM\b|\bPUBLIC\b)/i;
/** Prolog (everything before the root element) larger than this is refused. */
const MAX_PROLOG_CHARS = 64 * 1024;
/** Text kept per element; longer text is cut and the record reported. */
export const MAX_OVAL_TEXT_CHARS = 256 * 1024;
const MAX_DEPTH = 128;

export interface OvalReference {
  source: string;
  refId: string;
}

/** A leaf element of a definition's metadata that is not one of the standard OVAL ones. */
export interface OvalMetadataItem {
  /** Path below `<metadata>`, local names joined by `/` (e.g. `debian/dsa`, `advisory/cve`). */
  path: string;
  text: string;
  attributes: Record<string, string>;
}

export interface OvalCriterion {
  testRef: string;
  negate: boolean;
}

export interface OvalDefinition {
  id: string;
  class: string;
  title: string;
  description: string;
  platforms: string[];
  references: OvalReference[];
  metadata: OvalMetadataItem[];
  criteria: OvalCriterion[];
  /** Text cut at MAX_OVAL_TEXT_CHARS. */
  truncated: boolean;
}

export interface OvalTest {
  kind: string;
  objectRef?: string;
  stateRefs: string[];
}

export interface OvalObject {
  kind: string;
  /** `<name>` given literally. */
  name?: string;
  /** `<name var_ref=…>`: the names are the values of a variable. */
  nameVarRef?: string;
}

export interface OvalState {
  kind: string;
  evr?: string;
  evrOperation?: string;
  evrVarRef?: string;
}

export interface OvalVariable {
  kind: string;
  values: string[];
}

export interface OvalDocument {
  root: string;
  generator: { productName?: string; timestamp?: string };
  definitions: OvalDefinition[];
  tests: Map<string, OvalTest>;
  objects: Map<string, OvalObject>;
  states: Map<string, OvalState>;
  variables: Map<string, OvalVariable>;
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * A copy of `value` that does not share memory with the parser's input chunk. V8 represents
 * substrings as slices of their parent string, so keeping a 30-character id taken from a 64 kB
 * chunk would keep the whole chunk alive — and, over a file, the whole document.
 */
function own(value: string): string {
  return value.length < 13 ? value : Buffer.from(value, 'utf8').toString('utf8');
}
const ownText = (value: string) => own(value.trim());

function fileError(fileName: string, message: string): Error {
  return new Error(`${fileName}: ${message}`);
}

interface Frame {
  name: string;
  attributes: Record<string, string>;
  text: string | null;
}

/**
 * Streams one OVAL definitions file (plain, gzip or bzip2) and returns what its definitions
 * need. Throws an Error naming the file when the file cannot be read at all: hostile prolog
 * (DOCTYPE internal subset, entity declarations), malformed or truncated XML, not an OVAL
 * document. Record-level trouble goes to `onProblem`.
 */
export async function readOvalDocument(input: { filePath: string; fileName: string; onProblem: (problem: KbImportProblem) => void }): Promise<OvalDocument> {
  const { filePath, fileName, onProblem } = input;
  const doc: OvalDocument = {
    root: '',
    generator: {},
    definitions: [],
    tests: new Map(),
    objects: new Map(),
    states: new Map(),
    variables: new Map(),
  };
  const definitionIds = new Set<string>();
  const stack: Frame[] = [];
  /** Local names of the open elements, root first (kept alongside `stack` to avoid re-mapping). */
  const names: string[] = [];
  let definition: OvalDefinition | null = null;
  let itemId: string | null = null;

  // Positions off: twice as fast; errors give the character offset instead (see `wrap`).
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('doctype', (doctype) => {
    if (HOSTILE_PROLOG.test(`<!DOCTYPE${doctype}>`)) {
      throw fileError(fileName, 'refused: the XML declares a DOCTYPE with an internal subset or external entities (entity expansion is not allowed)');
    }
  });

  // Which elements' text is kept: only leaves that end up in the document.
  const wantsText = (path: string[]): boolean => {
    const [, section, , d3, d4] = path;
    if (section === 'generator') return path.length === 3;
    if (section === 'definitions') return d3 === 'metadata' && path.length >= 5 && d4 !== 'reference';
    if (section === 'objects') return path.length === 4 && d3 === 'name';
    if (section === 'states') return path.length === 4 && d3 === 'evr';
    if (section === 'variables') return path.length === 4 && d3 === 'value';
    return false;
  };

  // Element names are few, and each id is referenced from many places (every Debian definition
  // names tst:1 and tst:2): keep one owned copy of each.
  const elementNames = new Map<string, string>();
  const ids = new Map<string, string>();
  const ownId = (value: string): string => {
    let kept = ids.get(value);
    if (kept === undefined) {
      kept = own(value);
      ids.set(kept, kept);
    }
    return kept;
  };
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const local = localName(tag.name);
    let name = elementNames.get(local);
    if (name === undefined) {
      name = own(local);
      elementNames.set(name, name);
    }
    const attributes = tag.attributes as Record<string, string>;
    names.push(name);
    if (names.length > MAX_DEPTH) throw fileError(fileName, `XML nested deeper than ${MAX_DEPTH} elements`);
    stack.push({ name, attributes, text: wantsText(names) ? '' : null });
    const depth = names.length;
    if (depth === 1) {
      doc.root = name;
      if (name !== 'oval_definitions') throw fileError(fileName, `not an OVAL definitions document (root element <${tag.name}>)`);
      return;
    }
    const section = names[1];
    if (section === 'definitions') {
      if (depth === 3 && name === 'definition') {
        definition = {
          id: own(attributes.id ?? ''),
          class: own(attributes.class ?? ''),
          title: '',
          description: '',
          platforms: [],
          references: [],
          metadata: [],
          criteria: [],
          truncated: false,
        };
      } else if (definition && depth === 5 && names[3] === 'metadata' && name === 'reference') {
        definition.references.push({ source: own(attributes.source ?? ''), refId: ownText(attributes.ref_id ?? '') });
      } else if (definition && name === 'criterion' && names[3] === 'criteria') {
        definition.criteria.push({ testRef: ownId(attributes.test_ref ?? ''), negate: attributes.negate === 'true' });
      }
      return;
    }
    if (depth === 3 && (section === 'tests' || section === 'objects' || section === 'states' || section === 'variables')) {
      itemId = attributes.id ? ownId(attributes.id) : null;
      if (!itemId) return;
      if (section === 'tests') doc.tests.set(itemId, { kind: name, stateRefs: [] });
      else if (section === 'objects') doc.objects.set(itemId, { kind: name });
      else if (section === 'states') doc.states.set(itemId, { kind: name });
      else doc.variables.set(itemId, { kind: name, values: [] });
      return;
    }
    if (depth === 4 && itemId) {
      if (section === 'tests') {
        const test = doc.tests.get(itemId);
        if (test && name === 'object' && attributes.object_ref) test.objectRef = ownId(attributes.object_ref);
        if (test && name === 'state' && attributes.state_ref) test.stateRefs.push(ownId(attributes.state_ref));
      } else if (section === 'objects' && name === 'name' && attributes.var_ref) {
        const object = doc.objects.get(itemId);
        if (object) object.nameVarRef = ownId(attributes.var_ref);
      } else if (section === 'states' && name === 'evr') {
        const state = doc.states.get(itemId);
        if (state) {
          if (attributes.operation) state.evrOperation = ownId(attributes.operation);
          if (attributes.var_ref) state.evrVarRef = ownId(attributes.var_ref);
        }
      }
    }
  });

  const appendText = (text: string) => {
    const top = stack[stack.length - 1];
    if (!top || top.text === null) return;
    if (top.text.length + text.length > MAX_OVAL_TEXT_CHARS) {
      top.text = (top.text + text).slice(0, MAX_OVAL_TEXT_CHARS);
      if (definition) definition.truncated = true;
      return;
    }
    top.text += text;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);

  parser.on('closetag', () => {
    const frame = stack.pop();
    if (!frame) return;
    const depth = names.length;
    try {
      closeElement(frame, depth);
    } finally {
      names.pop();
    }
  });

  const closeElement = (frame: Frame, depth: number) => {
    const section = names[1];
    const text = frame.text ?? '';
    if (section === 'generator' && depth === 3) {
      if (frame.name === 'product_name') doc.generator.productName = ownText(text);
      if (frame.name === 'timestamp') doc.generator.timestamp = ownText(text);
      return;
    }
    if (section === 'definitions') {
      if (!definition) return;
      if (depth === 3) {
        const done: OvalDefinition = definition;
        definition = null;
        if (!done.id) {
          onProblem({ file: fileName, message: `a definition without an id was skipped (title "${done.title}")` });
        } else if (definitionIds.has(done.id)) {
          onProblem({ file: fileName, record: done.id, message: 'duplicate definition id; the later one was skipped' });
        } else {
          definitionIds.add(done.id);
          // Arrays grown by push() keep spare capacity; exact-size copies for the long haul.
          done.platforms = done.platforms.slice();
          done.references = done.references.slice();
          done.metadata = done.metadata.slice();
          done.criteria = done.criteria.slice();
          doc.definitions.push(done);
        }
        return;
      }
      if (names[3] !== 'metadata' || depth < 5) return;
      const path = names.slice(4);
      if (depth === 5 && frame.name === 'title') definition.title = ownText(text);
      else if (depth === 5 && frame.name === 'description') definition.description = ownText(text);
      else if (depth === 6 && names[4] === 'affected' && frame.name === 'platform') definition.platforms.push(ownText(text));
      else if (depth >= 6 && names[4] !== 'affected' && names[4] !== 'reference') {
        const attributes = Object.entries(frame.attributes);
        if (!text.trim() && attributes.length === 0) return;
        definition.metadata.push({ path: path.join('/'), text: ownText(text), attributes: Object.fromEntries(attributes.map(([k, v]) => [k, own(v)])) });
      }
      return;
    }
    if (depth === 3) {
      const test = section === 'tests' && itemId ? doc.tests.get(itemId) : undefined;
      if (test) test.stateRefs = test.stateRefs.slice();
      itemId = null;
      return;
    }
    if (depth === 4 && itemId) {
      if (section === 'objects') {
        const object = doc.objects.get(itemId);
        if (object && frame.name === 'name' && !frame.attributes.var_ref) object.name = ownText(text);
      } else if (section === 'states' && frame.name === 'evr') {
        const state = doc.states.get(itemId);
        if (state && !frame.attributes.var_ref) state.evr = ownText(text);
      } else if (section === 'variables' && frame.name === 'value') {
        doc.variables.get(itemId)?.values.push(ownText(text));
      }
    }
  };

  let stream: ReturnType<typeof openUpstreamFile> | undefined;
  const decoder = new TextDecoder('utf-8');
  let prolog = '';
  const checkProlog = (text: string) => {
    // Before the root element opens, look at the raw text too: a huge internal subset must be
    // refused before saxes buffers it.
    if (doc.root) return;
    prolog = (prolog + text).slice(-2 * MAX_PROLOG_CHARS);
    const rootAt = prolog.search(/<[A-Za-z_]/);
    const head = rootAt === -1 ? prolog : prolog.slice(0, rootAt);
    if (HOSTILE_PROLOG.test(head)) {
      throw fileError(fileName, 'refused: the XML declares a DOCTYPE with an internal subset or external entities (entity expansion is not allowed)');
    }
    if (rootAt === -1 && prolog.length > MAX_PROLOG_CHARS) throw fileError(fileName, `refused: more than ${MAX_PROLOG_CHARS} characters before the root element`);
  };
  let charsRead = 0;
  const wrap = (error: unknown): Error => {
    const message = (error as Error).message ?? String(error);
    if (message.startsWith(`${fileName}:`)) return error as Error;
    return fileError(fileName, `invalid XML: ${message.replace(/\.$/, '')} (within the first ${charsRead} characters)`);
  };
  try {
    stream = openUpstreamFile(filePath);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true });
      charsRead += text.length;
      checkProlog(text);
      try {
        parser.write(text);
      } catch (error) {
        throw wrap(error);
      }
    }
    const rest = decoder.decode();
    try {
      if (rest) parser.write(rest);
      if (names.length > 0) {
        throw fileError(fileName, `truncated XML: the document ends inside <${names[names.length - 1]}> after ${charsRead} characters (${doc.definitions.length} definitions read)`);
      }
      parser.close();
    } catch (error) {
      throw wrap(error);
    }
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (message.startsWith(`${fileName}:`)) throw error;
    // Read errors (openUpstreamFile names the path; decompression of a damaged .bz2/.gz).
    const reason = message.startsWith(`${filePath}:`) ? message.slice(filePath.length + 1).trim() : message;
    throw fileError(fileName, /^cannot decompress/.test(reason) ? `${reason} (damaged or truncated file)` : reason);
  } finally {
    stream?.destroy();
  }
  if (!doc.root) throw fileError(fileName, 'empty document (no root element)');
  return doc;
}

/** OVAL debian_evr_string values carry an explicit `0:` epoch that dpkg and the trackers omit. */
export function normaliseEvr(evr: string): string {
  return evr.trim().replace(/^0:/, '');
}

export type ResolvedCriterion =
  | { kind: 'package'; packages: string[]; version: string; criterion: OvalCriterion }
  | { kind: 'other'; testKind: string }
  | { kind: 'problem'; message: string };

/**
 * Follows one criterion to what it checks. `dpkginfo_test` → object (package name, literal or
 * from a constant variable) + state (`evr` "less than" version). Other tests (release, arch,
 * running kernel, livepatch) are reported as `other`. Dangling references are problems.
 */
export function resolveCriterion(doc: OvalDocument, criterion: OvalCriterion): ResolvedCriterion {
  const test = doc.tests.get(criterion.testRef);
  if (!criterion.testRef) return { kind: 'problem', message: 'a criterion has no test_ref' };
  if (!test) return { kind: 'problem', message: `criterion references test ${criterion.testRef}, which is not in the file` };
  if (test.kind !== 'dpkginfo_test') {
    if (test.objectRef && !doc.objects.has(test.objectRef)) return { kind: 'problem', message: `test ${criterion.testRef} references object ${test.objectRef}, which is not in the file` };
    for (const ref of test.stateRefs) if (!doc.states.has(ref)) return { kind: 'problem', message: `test ${criterion.testRef} references state ${ref}, which is not in the file` };
    return { kind: 'other', testKind: test.kind };
  }
  if (criterion.negate) return { kind: 'problem', message: `negated package criterion (${criterion.testRef}) is not supported` };
  if (!test.objectRef) return { kind: 'problem', message: `test ${criterion.testRef} has no object` };
  const object = doc.objects.get(test.objectRef);
  if (!object) return { kind: 'problem', message: `test ${criterion.testRef} references object ${test.objectRef}, which is not in the file` };
  let packages: string[];
  if (object.nameVarRef) {
    const variable = doc.variables.get(object.nameVarRef);
    if (!variable) return { kind: 'problem', message: `object ${test.objectRef} references variable ${object.nameVarRef}, which is not in the file` };
    packages = variable.values.filter(Boolean);
  } else {
    packages = object.name ? [object.name] : [];
  }
  if (packages.length === 0) return { kind: 'problem', message: `object ${test.objectRef} names no package` };
  if (test.stateRefs.length !== 1) return { kind: 'problem', message: `test ${criterion.testRef} has ${test.stateRefs.length} states; exactly one version state is supported` };
  const stateRef = test.stateRefs[0]!;
  const state = doc.states.get(stateRef);
  if (!state) return { kind: 'problem', message: `test ${criterion.testRef} references state ${stateRef}, which is not in the file` };
  let evr = state.evr;
  if (state.evrVarRef) {
    const variable = doc.variables.get(state.evrVarRef);
    if (!variable) return { kind: 'problem', message: `state ${stateRef} references variable ${state.evrVarRef}, which is not in the file` };
    if (variable.values.length !== 1) return { kind: 'problem', message: `state ${stateRef}: variable ${state.evrVarRef} has ${variable.values.length} values, expected one version` };
    evr = variable.values[0];
  }
  if (!evr) return { kind: 'problem', message: `state ${stateRef} has no evr version` };
  if (state.evrOperation !== 'less than') return { kind: 'problem', message: `state ${stateRef}: operation "${state.evrOperation ?? ''}" is not supported (expected "less than")` };
  return { kind: 'package', packages, version: normaliseEvr(evr), criterion };
}

export { CVE_ID };

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------------------------
// Debian

const DEBIAN_CODENAMES = new Set(Object.values(DEBIAN_RELEASES).concat('sid'));

/** `Debian GNU/Linux 12` → bookworm; the file name (`oval-definitions-bookworm.xml`) is the fallback. */
export function debianRelease(platforms: string[], fileName: string): string | undefined {
  for (const platform of platforms) {
    const number = /Debian GNU\/Linux (\d+)/i.exec(platform)?.[1];
    if (number && DEBIAN_RELEASES[number]) return DEBIAN_RELEASES[number];
    const named = /\b([a-z]+)\b/g;
    for (const match of platform.toLowerCase().matchAll(named)) if (DEBIAN_CODENAMES.has(match[1]!)) return match[1];
  }
  const fromName = /oval-definitions-([a-z]+)/i.exec(fileName)?.[1]?.toLowerCase();
  return fromName && DEBIAN_CODENAMES.has(fromName) ? fromName : undefined;
}

const ADVISORY_ID = /^(DSA|DLA|DTSA)-\d+(-\d+)?$/;

/** `<debian><dsa>DSA-5429</dsa>` omits the revision; a patch definition's title has it (`DSA-5429-1 wireshark`). */
function advisoryIdsOf(definition: OvalDefinition, fullIds: Map<string, string>): string[] {
  const ids: string[] = [];
  const fromTitle = definition.title.split(/\s+/)[0] ?? '';
  if (ADVISORY_ID.test(fromTitle)) ids.push(fromTitle);
  for (const item of definition.metadata) {
    if (!/^debian\/(dsa|dla|dtsa)$/.test(item.path)) continue;
    const id = item.text.trim();
    if (ADVISORY_ID.test(id)) ids.push(fullIds.get(id) ?? id);
  }
  return unique(ids);
}

/** Debian's `<description>` is often just "security update"; `<moreinfo>` then has the text. */
function debianDescription(definition: OvalDefinition): string | undefined {
  const moreinfo = definition.metadata.find((item) => item.path === 'debian/moreinfo')?.text.trim();
  const description = definition.description.trim();
  if (description && description.toLowerCase() !== 'security update') return description;
  return moreinfo || description || undefined;
}

function buildDebianContributions(doc: OvalDocument, fileName: string, onProblem: (problem: KbImportProblem) => void, definition: OvalDefinition, fullIds: Map<string, string>, fileRelease: string | undefined): KbContribution[] {
  const problem = (message: string) => onProblem({ file: fileName, record: definition.id, message });
  if (definition.class === 'inventory') return [];
  const cves = unique([
    ...definition.references.filter((r) => r.source.toUpperCase() === 'CVE' && CVE_ID.test(r.refId)).map((r) => r.refId),
    ...[definition.title.split(/\s+/)[0] ?? ''].filter((t) => CVE_ID.test(t)),
  ]);
  const advisories = advisoryIdsOf(definition, fullIds);
  const release = debianRelease(definition.platforms, fileName) ?? fileRelease;

  const affected: KbAffectedPackage[] = [];
  for (const criterion of definition.criteria) {
    const resolved = resolveCriterion(doc, criterion);
    if (resolved.kind === 'problem') {
      problem(`${resolved.message}; definition skipped`);
      return [];
    }
    if (resolved.kind === 'other') continue;
    for (const pkg of resolved.packages) {
      const notAffected = resolved.version === '0';
      affected.push({
        ecosystem: 'deb',
        distro: 'debian',
        ...(release ? { release } : {}),
        package: pkg,
        sourcePackage: true,
        status: notAffected ? 'not-affected' : 'fixed',
        ...(notAffected ? {} : { fixedVersion: resolved.version, ranges: [{ introduced: '0', fixed: resolved.version }] }),
        ...(advisories[0] ? { advisory: advisories[0] } : {}),
      });
    }
  }
  if (affected.length === 0) {
    problem('no package criterion (DPKG is earlier than …) in the definition; skipped');
    return [];
  }
  if (definition.truncated) problem(`metadata text longer than ${MAX_OVAL_TEXT_CHARS} characters was cut`);

  const description = debianDescription(definition);
  const published = definition.metadata.find((item) => item.path === 'debian/date')?.text.trim();
  const base = {
    source: 'debian-oval' as const,
    ...(definition.title ? { title: definition.title } : {}),
    ...(description ? { description } : {}),
    ...(published && /^\d{4}-\d{2}-\d{2}/.test(published) ? { published } : {}),
    affected,
  };
  if (cves.length === 0) {
    return [{ recordId: definition.id, key: advisories[0] ?? definition.id, aliases: advisories, ...base }];
  }
  // One contribution per definition; a definition naming several CVEs (a DSA) is split per CVE.
  return cves.map((cve) => ({
    recordId: cves.length === 1 ? definition.id : `${definition.id}/${cve}`,
    key: cve,
    aliases: [cve, ...advisories],
    ...base,
  }));
}

export const debianOvalImporter: KbImporter = {
  format: 'debian-oval',
  source: 'debian-oval',
  detect({ head }) {
    if (!/<oval_definitions\b/.test(head)) return false;
    return /<oval:product_name>\s*Debian\b/.test(head) || /oval:org\.debian[.:]/.test(head);
  },
  async *parse({ filePath, fileName, onProblem }) {
    const doc = await readOvalDocument({ filePath, fileName, onProblem });
    // DSA-NNNN → DSA-NNNN-R, from the patch definitions' titles.
    const fullIds = new Map<string, string>();
    for (const definition of doc.definitions) {
      const first = definition.title.split(/\s+/)[0] ?? '';
      const match = /^((?:DSA|DLA|DTSA)-\d+)-\d+$/.exec(first);
      if (match && !fullIds.has(match[1]!)) fullIds.set(match[1]!, first);
    }
    const fileRelease = debianRelease([], fileName) ?? doc.definitions.map((d) => debianRelease(d.platforms, '')).find(Boolean);
    for (let i = 0; i < doc.definitions.length; i += 1) {
      const definition = doc.definitions[i]!;
      for (const contribution of buildDebianContributions(doc, fileName, onProblem, definition, fullIds, fileRelease)) yield contribution;
    }
  },
};

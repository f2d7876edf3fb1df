import { z } from 'zod';
import { getKbVulnerability } from '../../../services/kb/get-kb-vulnerability';
import { KB_SEVERITIES } from '../../../services/kb/search-kb';
import { permittedProcedure } from '../../init';

export const kbGetInput = z.object({
  /** CVE or advisory id, Vigil id (VGL-…) or an alias. */
  id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\w.:+~-]+$/, 'not a vulnerability id'),
});

const source = z.string();

const cvssOutput = z.object({
  version: z.string(),
  vector: z.string(),
  baseScore: z.number(),
  severity: z.string().optional(),
  scoredBy: z.string().optional(),
  type: z.string().optional(),
  source,
});

const rangeOutput = z.object({
  introduced: z.string().optional(),
  introducedExclusive: z.boolean().optional(),
  fixed: z.string().optional(),
  lastAffected: z.string().optional(),
});

const affectedOutput = z.object({
  ecosystem: z.string(),
  distro: z.string().optional(),
  release: z.string().optional(),
  repository: z.string().optional(),
  package: z.string(),
  sourcePackage: z.boolean().optional(),
  cpe: z.string().optional(),
  vulnerable: z.boolean().optional(),
  status: z.string(),
  fixedVersion: z.string().optional(),
  ranges: z.array(rangeOutput).optional(),
  versions: z.array(z.string()).optional(),
  advisory: z.string().optional(),
  source,
});

const kevOutput = z.object({
  dateAdded: z.string(),
  dueDate: z.string(),
  requiredAction: z.string(),
  knownRansomwareCampaignUse: z.string(),
  vendorProject: z.string(),
  product: z.string(),
  vulnerabilityName: z.string(),
  shortDescription: z.string().optional(),
  notes: z.string().optional(),
});

const epssOutput = z.object({
  score: z.number(),
  percentile: z.number(),
  date: z.string(),
  modelVersion: z.string().optional(),
  source,
});

const alternative = z.object({ source, value: z.string() });

export const kbVulnerabilityOutput = z.object({
  id: z.string(),
  vglId: z.string(),
  aliases: z.array(z.string()),
  title: z.string(),
  description: z.string(),
  severity: z.enum(KB_SEVERITIES),
  cvssScore: z.number().nullable(),
  cvssVector: z.string().nullable(),
  cvssVersion: z.string().nullable(),
  cvss: z.array(cvssOutput),
  epss: epssOutput.nullable(),
  kev: kevOutput.nullable(),
  kevListed: z.boolean(),
  cwes: z.array(z.string()),
  references: z.array(z.object({ url: z.string(), tags: z.array(z.string()).optional() })),
  published: z.string().nullable(),
  modified: z.string().nullable(),
  status: z.string().nullable(),
  rejected: z.boolean(),
  affected: z.array(affectedOutput),
  affectedPackages: z.array(z.string()),
  sources: z.array(source),
  fieldSources: z.partialRecord(z.enum(['title', 'description', 'cvss', 'published', 'epss', 'kev']), source),
  alternatives: z.object({ title: z.array(alternative), description: z.array(alternative) }),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

export const kbGet = permittedProcedure('kb:read')
  .meta({ openapi: { method: 'GET', path: '/kb/vulnerabilities/{id}', tags: ['kb'], protect: true, summary: 'One KB record by CVE, Vigil or advisory id' } })
  .input(kbGetInput)
  .output(kbVulnerabilityOutput)
  .query(({ input }) => getKbVulnerability({ id: input.id }));

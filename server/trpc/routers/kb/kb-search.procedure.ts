import { z } from 'zod';
import { KB_ECOSYSTEMS, KB_MAX_PAGE_SIZE, KB_SEVERITIES, KB_SORTS, searchKb } from '../../../services/kb/search-kb';
import { permittedProcedure } from '../../init';

/** The deepest page a search may ask for: deeper paging is a query that should be narrowed. */
export const KB_MAX_PAGE = 10_000;

const day = z.iso.date({ error: 'expected a date as YYYY-MM-DD' });

export const kbSearchInput = z
  .object({
    /** A CVE/VGL/GHSA/DSA/USN… id, or a package/product name. Blank means no text filter. */
    query: z
      .string()
      .trim()
      .max(200)
      .regex(/^[^\p{Cc}]*$/u, 'control characters are not allowed')
      .optional()
      .transform((value) => (value ? value : undefined)),
    severity: z.array(z.enum(KB_SEVERITIES)).max(KB_SEVERITIES.length).optional(),
    kev: z.boolean().optional(),
    epssMin: z.number().min(0).max(1).optional(),
    epssMax: z.number().min(0).max(1).optional(),
    publishedFrom: day.optional(),
    publishedTo: day.optional(),
    ecosystem: z.enum(KB_ECOSYSTEMS).optional(),
    sort: z.enum(KB_SORTS).default('published'),
    direction: z.enum(['asc', 'desc']).default('desc'),
    page: z.number().int().min(1).max(KB_MAX_PAGE).default(1),
    pageSize: z.number().int().min(1).max(KB_MAX_PAGE_SIZE).default(25),
  })
  .refine((input) => input.epssMin === undefined || input.epssMax === undefined || input.epssMin <= input.epssMax, {
    message: 'epssMin must not exceed epssMax',
    path: ['epssMin'],
  })
  .refine((input) => !input.publishedFrom || !input.publishedTo || input.publishedFrom <= input.publishedTo, {
    message: 'publishedFrom must not be after publishedTo',
    path: ['publishedFrom'],
  });

export type KbSearchInput = z.input<typeof kbSearchInput>;

export const kbListItemOutput = z.object({
  id: z.string(),
  vglId: z.string(),
  aliases: z.array(z.string()),
  title: z.string(),
  severity: z.enum(KB_SEVERITIES),
  cvssScore: z.number().nullable(),
  cvssVersion: z.string().nullable(),
  epssScore: z.number().nullable(),
  epssPercentile: z.number().nullable(),
  kevListed: z.boolean(),
  kevDueDate: z.string().nullable(),
  kevRansomware: z.boolean(),
  published: z.string().nullable(),
  rejected: z.boolean(),
  sources: z.array(z.string()),
});

export const kbSearchOutput = z.object({
  items: z.array(kbListItemOutput),
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
});

export const kbSearch = permittedProcedure('kb:read')
  // POST: the filters are structured (arrays, ranges); a JSON body carries them without query-string coercion.
  .meta({ openapi: { method: 'POST', path: '/kb/search', tags: ['kb'], protect: true, summary: 'Search the KnowledgeBase (server-side filters, sort and paging)' } })
  .input(kbSearchInput)
  .output(kbSearchOutput)
  .query(({ input }) => searchKb(input));

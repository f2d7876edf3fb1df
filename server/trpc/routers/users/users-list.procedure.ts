import { z } from 'zod';
import { listUsers } from '../../../services/users/list-users';
import { permittedProcedure } from '../../init';
import { userOutput } from './users-schemas';

export const usersListOutput = z.object({ items: z.array(userOutput) });

export const usersList = permittedProcedure('users:read')
  .meta({ openapi: { method: 'GET', path: '/users', tags: ['users'], protect: true, summary: 'The users of your business units' } })
  .input(z.void())
  .output(usersListOutput)
  .query(async ({ ctx }) => ({ items: await listUsers({ acting: ctx.acting }) }));

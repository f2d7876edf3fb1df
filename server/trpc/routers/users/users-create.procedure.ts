import { createUser } from '../../../services/users/create-user';
import { createUserInput } from '../../../services/users/user-input';
import { permittedProcedure } from '../../init';
import { userOutput } from './users-schemas';

/** A local account in one of your units, with a role no wider than yours; the password must meet the policy. */
export const usersCreate = permittedProcedure('users:manage')
  .meta({ openapi: { method: 'POST', path: '/users', tags: ['users'], protect: true, summary: 'Create a local account (password sign-in)' } })
  .input(createUserInput)
  .output(userOutput)
  .mutation(({ ctx, input }) => createUser({ acting: ctx.acting, input, meta: ctx.meta }));

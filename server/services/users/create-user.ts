import { roleCovers } from '../../auth/permissions';
import { checkPasswordPolicy, hashPassword } from '../../auth/password';
import type { RequestMeta } from '../../auth/request-meta';
import { ROOT_BUSINESS_UNIT_ID, canWriteUnit } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { UserModel } from '../../models/user.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { ensureRootBusinessUnit } from '../business-units/ensure-root-business-unit';
import { createUserInput, type CreateUserInput } from './user-input';
import { toUserSummary, type UserSummary } from './user-summary';
import { isDuplicateKeyError } from '../../db/duplicate-key';

/** Creates a local account (password sign-in). Used by `vigil admin create` and the users page. */
export async function createUser(options: { acting: Acting; input: CreateUserInput; meta?: RequestMeta }): Promise<UserSummary> {
  const { acting } = options;
  requirePermission(acting, 'users:manage');
  const input = createUserInput.parse(options.input);
  const businessUnitId = input.businessUnitId ?? ('principal' in acting ? acting.principal.businessUnitId : ROOT_BUSINESS_UNIT_ID);
  if ('principal' in acting && !roleCovers(acting.principal.role, input.role)) throw new AppError('FORBIDDEN', `you cannot create a user with role ${input.role}`);
  await ensureRootBusinessUnit();
  if (!canWriteUnit(scopeOfActing(acting), businessUnitId) || !(await BusinessUnitModel.exists({ _id: businessUnitId }))) {
    throw new AppError('NOT_FOUND', `business unit ${businessUnitId} not found`);
  }
  checkPasswordPolicy(input.password, { email: input.email });
  if (await UserModel.exists({ email: input.email })) throw new AppError('CONFLICT', `a user with e-mail ${input.email} already exists`);
  let created;
  try {
    created = await UserModel.create({
      email: input.email,
      name: input.name,
      role: input.role,
      businessUnitId,
      passwordHash: await hashPassword(input.password),
      authSource: 'local',
      passwordChangedAt: new Date(),
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new AppError('CONFLICT', `a user with e-mail ${input.email} already exists`);
    throw error;
  }
  const summary = toUserSummary(created.toObject());
  await recordAudit({
    actor: actorOfActing(acting),
    action: 'user.create',
    target: { type: 'user', id: summary.id, label: summary.email },
    ip: options.meta?.ip ?? null,
    outcome: 'success',
    details: { role: summary.role, businessUnitId },
    businessUnitId,
  });
  return summary;
}

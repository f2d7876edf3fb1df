import type { BusinessUnit } from '../../models/business-unit.model';

export interface BusinessUnitSummary {
  id: string;
  name: string;
  parentId: string | null;
  ancestors: string[];
  description: string;
  createdAt: Date;
}

export function toBusinessUnitSummary(unit: BusinessUnit): BusinessUnitSummary {
  return { id: unit._id, name: unit.name, parentId: unit.parentId, ancestors: unit.ancestors, description: unit.description, createdAt: unit.createdAt };
}

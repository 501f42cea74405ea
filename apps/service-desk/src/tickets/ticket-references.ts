/** Entities owned by accounts, as service-desk holds them: their key only. */
export interface CustomerReference {
  id: string;
}

export interface ConsultantReference {
  id: string;
}

export interface DepartmentReference {
  id: string;
}

import type { Caller, Role } from './caller';
import { staffFigureReach } from './staff-figures';

const caller = (userId: string, roles: Role[], extra: Partial<Caller> = {}): Caller => ({ userId, roles, token: 't', ...extra });
const alice = caller('alice', ['consultant'], { departmentId: 'D-EAST' });
const east = caller('m-east', ['department_manager'], { departmentId: 'D-EAST' });
const consultant = (id: string) => ({ kind: 'CONSULTANT' as const, id });
const department = (id: string) => ({ kind: 'DEPARTMENT' as const, id });

describe('staffFigureReach', () => {
  it.each([
    ['a consultant, their own figure', alice, consultant('alice'), [], 'ALL'],
    ["a consultant, a colleague's", alice, consultant('bob'), [], null],
    ["a consultant, their department's", alice, department('D-EAST'), [], null],
    ["a department manager, their department's", east, department('D-EAST'), [], 'ALL'],
    ["a department manager, another department's", east, department('D-WEST'), [], null],
    ['a department manager, a consultant: the part booked in their department', east, consultant('carl'), [], { departmentId: 'D-EAST' }],
    ['a department manager, their own figure as a consultant', east, consultant('m-east'), [], 'ALL'],
    ['a department manager without a department, a consultant', caller('m', ['department_manager']), consultant('carl'), [], null],
    ['the general manager', caller('gm', ['general_manager']), department('D-WEST'), [], 'ALL'],
    ['a platform job', caller('svc', ['internal_app']), consultant('bob'), [], 'ALL'],
    ['finance, where the figure lets finance read all', caller('f', ['finance']), consultant('bob'), ['finance'], 'ALL'],
    ['finance, where it does not', caller('f', ['finance']), consultant('bob'), [], null],
    ['marketing, a department, where marketing reads all', caller('k', ['marketing']), department('D-EAST'), ['marketing'], 'ALL'],
    ['a partner token, whatever roles it claims', caller('p', ['general_manager'], { partnerId: 'P-1' }), consultant('p'), ['finance'], null],
    ['the partner role', caller('alice', ['partner']), consultant('alice'), [], null],
  ] as const)('%s', (_, who, subject, alsoAll, expected) => {
    expect(staffFigureReach(who, subject, alsoAll)).toEqual(expected);
  });
});

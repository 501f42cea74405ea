import { identityOf, matchesBetween, normaliseEmail, normaliseName, normalisePhone, normaliseRegistrationNumber } from './duplicate-identity';

describe('duplicate identity', () => {
  it.each([
    ['Acme Tools Co., Ltd.', 'acmetools'],
    ['ACME TOOLS', 'acmetools'],
    ['Acme  Tools Company Limited', 'acmetools'],
    ['Acme-Tools Inc.', 'acmetools'],
    ['华信电子有限公司', '华信电子'],
    ['华信电子股份有限公司', '华信电子'],
    ['Ltd', 'ltd'],
  ])('normalises the name %s', (name, expected) => {
    expect(normaliseName(name)).toBe(expected);
  });

  it.each([
    ['+86 21 5123 4567', '2151234567'],
    ['021-5123-4567', '2151234567'],
    ['0086 21 51234567', '2151234567'],
    ['+86 138 0013 8000', '13800138000'],
    ['13800138000', '13800138000'],
  ])('normalises the phone %s', (phone, expected) => {
    expect(normalisePhone(phone)).toBe(expected);
  });

  it('normalises e-mail and registration numbers', () => {
    expect(normaliseEmail(' Gu.Wen@HuaXin.example ')).toBe('gu.wen@huaxin.example');
    expect(normaliseRegistrationNumber('91310000-1234 5678x')).toBe('9131000012345678X');
  });

  it('says what two customers share', () => {
    const a = identityOf({ name: 'Huaxin Co., Ltd.', contacts: [{ name: 'Gu', phone: '021 5123 4567', email: 'gu@huaxin.example', decisionMaker: true }], organisation: { registrationNumber: '913100001234' } });
    const b = identityOf({ name: 'Huaxin Trading', contacts: [{ name: 'Desk', phone: '+86 21 5123 4567', decisionMaker: false }], organisation: { registrationNumber: '9131-0000-1234' } });
    expect(matchesBetween(a, b)).toEqual(['PHONE', 'REGISTRATION_NUMBER']);
    expect(matchesBetween(a, null)).toEqual([]);
  });
});

import { identityOf, matchesBetween, normaliseEmail, normaliseName, normalisePhone, normaliseRegistrationNumber, sameIdentityCriteria } from './duplicate-identity';

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

describe('duplicate identity, value by value', () => {
  it.each([
    ['Acme Limited', 'acme'],
    ['Acme Incorporated', 'acme'],
    ['Acme Corporation', 'acme'],
    ['Acme Corp.', 'acme'],
    ['Acme LLC', 'acme'],
    ['Acme PLC', 'acme'],
    ['Acme GmbH', 'acme'],
    ['Acme & Co.', 'acme'],
    ['华信电子有限责任公司', '华信电子'],
    ['华信公司', '华信'],
    ['ＡＣＭＥ　Ｔｏｏｌｓ', 'acmetools'],
  ])('drops the legal form and width of %s', (name, expected) => {
    expect(normaliseName(name)).toBe(expected);
  });

  it('strips a Latin legal form only after a space: Costco stays Costco', () => {
    expect(normaliseName('Costco')).toBe('costco');
    expect(normaliseName('Bristol Ltd')).toBe('bristol');
  });

  it('keeps a name that is nothing but a legal form', () => {
    expect(normaliseName('公司')).toBe('公司');
    expect(normaliseName('Co')).toBe('co');
  });

  it('drops the country code 86 only from a number long enough to carry it', () => {
    expect(normalisePhone('862151234567')).toBe('2151234567');
    expect(normalisePhone('86215123456')).toBe('86215123456');
    // Another country's code stays: only China's prefix is known to mean the same number.
    expect(normalisePhone('+44 20 7123 4567')).toBe('442071234567');
  });

  it('drops every trunk zero, and refuses numbers too short to identify anyone', () => {
    expect(normalisePhone('00 00 21 5123 4567')).toBe('2151234567');
    expect(normalisePhone('12345')).toBe('12345');
    expect(normalisePhone('1234')).toBeNull();
    expect(normalisePhone('0-1234')).toBeNull();
  });

  it('reads full-width e-mail addresses and registration numbers', () => {
    expect(normaliseEmail('ＧＵ@ＨＵＡＸＩＮ.example')).toBe('gu@huaxin.example');
    expect(normaliseRegistrationNumber('９１３１ａｂ')).toBe('9131AB');
  });

  it('builds the identity from the card: each usable phone and e-mail once, the name as typed for sorting', () => {
    const identity = identityOf({
      name: '  Huaxin Co., Ltd. ',
      contacts: [
        { name: 'Gu', phone: '021 5123 4567', email: 'Gu@Huaxin.example', decisionMaker: true },
        { name: 'Desk', phone: '+86 21 5123 4567', email: 'gu@huaxin.example', decisionMaker: false },
        { name: 'Short', phone: '123', email: null, decisionMaker: false },
        { name: 'None', phone: null, decisionMaker: false },
      ],
      organisation: null,
    });
    expect(identity).toStrictEqual({ name: 'huaxin', sortName: 'huaxin co., ltd.', phones: ['2151234567'], emails: ['gu@huaxin.example'], registrationNumber: null });
  });

  it('looks for customers sharing the name, any phone, any e-mail or the registration number', () => {
    expect(sameIdentityCriteria({ name: 'huaxin', phones: ['2151234567'], emails: ['gu@huaxin.example'], registrationNumber: '913100001234' })).toEqual([
      { 'normalized.name': 'huaxin' },
      { 'normalized.phones': { $in: ['2151234567'] } },
      { 'normalized.emails': { $in: ['gu@huaxin.example'] } },
      { 'normalized.registrationNumber': '913100001234' },
    ]);
    expect(sameIdentityCriteria({ name: '', phones: [], emails: [], registrationNumber: null })).toEqual([]);
  });

  it('matches on every value two customers share, and never on empty ones', () => {
    const a = { name: 'huaxin', sortName: 'huaxin', phones: ['1', '2'], emails: ['a@x', 'b@x'], registrationNumber: 'R1' };
    expect(matchesBetween(a, { ...a, phones: ['2'], emails: ['b@x'] })).toEqual(['NAME', 'PHONE', 'EMAIL', 'REGISTRATION_NUMBER']);
    expect(matchesBetween(a, { name: 'other', sortName: 'other', phones: ['3'], emails: ['c@x'], registrationNumber: 'R2' })).toEqual([]);
    const blank = { name: '', sortName: '', phones: [], emails: [], registrationNumber: null };
    expect(matchesBetween(blank, blank)).toEqual([]);
  });
});

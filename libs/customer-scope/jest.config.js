module.exports = { ...require('../../jest.preset.js'), displayName: 'customer-scope', rootDir: __dirname };

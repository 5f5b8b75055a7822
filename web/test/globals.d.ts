// Test globals: mocha's describe/it, provided by the browser test runner.

/// <reference types="mocha" />

// The link dialog's address check: what a person types becomes an address or a French error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkAddress } from "../src/dialogs.js";

test("addresses as typed are completed or refused in French", () => {
  assert.deepEqual(checkAddress(" https://www.caf.fr/aides "), { href: "https://www.caf.fr/aides" });
  assert.deepEqual(checkAddress("www.caf.fr"), { href: "https://www.caf.fr" });
  assert.deepEqual(checkAddress("/pages/a-propos/"), { href: "/pages/a-propos/" });
  assert.deepEqual(checkAddress("contact@caf.fr"), { href: "mailto:contact@caf.fr" });
  assert.match(checkAddress("").error, /Indiquez l’adresse du lien/);
  assert.match(checkAddress("caf fr").error, /espace/);
  assert.match(checkAddress("javascript:alert(1)").error, /Adresse non reconnue/);
});

"""Small statements written inline, for tests that change one thing at a time."""

FOUNDATION = "NL91ABNA0417164300"  # the campaign fixture's IBAN


def camt(*entries: str, iban: str = FOUNDATION, opening="0.00", closing="0.00") -> bytes:
    return camt_file(stmt(*entries, iban=iban, opening=opening, closing=closing))


def camt_file(*statements: str) -> bytes:
    """One export holding several statements, as Rabobank's holds every account's."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n'
        "<BkToCstmrStmt>" + "".join(statements) + "</BkToCstmrStmt></Document>\n"
    ).encode()


def stmt(*entries: str, iban: str = FOUNDATION, opening="0.00", closing="0.00", id="S1") -> str:
    return (
        "<Stmt>\n"
        f"<Id>{id}</Id>\n"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">'
        f"{opening}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>\n"
        '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">'
        f"{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>\n"
        + "".join(entries)
        + "</Stmt>"
    )


def ntry(amount: str, reference: str = "", text: str = "DSA3KM", credit: bool = True) -> str:
    ref = f"<AcctSvcrRef>{reference}</AcctSvcrRef>" if reference else ""
    return (
        "<Ntry>\n"
        f'<Amt Ccy="EUR">{amount}</Amt>\n'
        f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>\n"
        f"<BookgDt><Dt>2024-03-01</Dt></BookgDt>{ref}\n"
        "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Donor</Nm></Dbtr></RltdPties>"
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls>\n"
        "</Ntry>\n"
    )


def mt940(*lines: str, account: str = FOUNDATION, opening="0,00", closing="0,00") -> bytes:
    head = [":20:STMT1", f":25:{account}", ":28C:1", f":60F:C240301EUR{opening}"]
    return "\n".join([*head, *lines, f":62F:C240301EUR{closing}", ""]).encode()

"""Synthetic bank statements for the benchmark: N lines in CAMT.053 or MT940, like a busy year."""

from datetime import date, timedelta
from decimal import Decimal

REFERENCES = ["DSA3KM", "DSB4LN", "DSC6MP", "DSD7NR", "DSE9PT", "DSF3RU", "DSG4TV", "DSFUND"]


def _line(i: int) -> tuple[date, Decimal, bool, str, str]:
    day = date(2025, 1, 1) + timedelta(days=i % 365)
    # Always two decimals, as most banks write them (Knab writes "5" for 5,00).
    amount = (Decimal(5 + (i * 7) % 200) + Decimal(i % 100) / 100).quantize(Decimal("0.01"))
    credit = i % 10 != 0
    text = f"gift {REFERENCES[i % len(REFERENCES)].lower()} thanks" if i % 4 else "bedankt"
    return day, amount, credit, f"Donor {i % 997}", text


def camt053(lines: int) -> bytes:
    entries, total = [], Decimal("0.00")
    for i in range(lines):
        day, amount, credit, name, text = _line(i)
        total += amount if credit else -amount
        party = "Dbtr" if credit else "Cdtr"
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}'
            f"</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
            f"<AcctSvcrRef>BENCH-{i:07d}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><{party}>"
            f"<Nm>{name}</Nm></{party}><{party}Acct><Id><IBAN>NL02RABO0123456789</IBAN></Id>"
            f"</{party}Acct></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"
            f"</NtryDtls></Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Document '
        'xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>'
        "<Id>BENCH</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100000.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-01-01</Dt></Dt></Bal>"
        '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">'
        f"{Decimal('100000.00') + total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-12-31"
        "</Dt></Dt></Bal>" + "".join(entries) + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def mt940(lines: int) -> bytes:
    rows, total = [], Decimal("0.00")
    for i in range(lines):
        day, amount, credit, name, text = _line(i)
        total += amount if credit else -amount
        rows.append(
            f":61:{day:%y%m%d}{day:%m%d}{'C' if credit else 'D'}{str(amount).replace('.', ',')}"
            f"NTRFNONREF//B{i:013d}"
        )
        rows.append(f":86:/EREF/NOTPROVIDED/NAME/{name}/REMI/USTD//{text}/IBAN/NL02RABO0123456789")
    closing = Decimal("100000.00") + total
    head = [":20:BENCH", ":25:NL91ABNA0417164300EUR", ":28C:00001", ":60F:C250101EUR100000,00"]
    tail = [f":62F:C251231EUR{str(closing).replace('.', ',')}"]
    return "\r\n".join(head + rows + tail).encode()


def mt940_daily(lines: int) -> bytes:
    """A message a day, each in its SWIFT envelope, in one file, as SNS and ASN export."""
    by_day: dict[date, list[str]] = {}
    movements: dict[date, Decimal] = {}
    for i in range(lines):
        day, amount, credit, name, text = _line(i)
        movements[day] = movements.get(day, Decimal("0.00")) + (amount if credit else -amount)
        by_day.setdefault(day, []).extend(
            [
                f":61:{day:%y%m%d}{day:%m%d}{'C' if credit else 'D'}"
                f"{str(amount).replace('.', ',')}NTRFNONREF//B{i:013d}",
                f":86:/EREF/NOTPROVIDED/NAME/{name}/REMI/USTD//{text}/IBAN/NL02RABO0123456789",
            ]
        )
    balance, rows = Decimal("100000.00"), []
    for number, day in enumerate(sorted(by_day), 1):
        closing = balance + movements[day]
        rows += [
            "{1:F01SNSBNL2AXXXX0000000000}{2:O940SNSBNL2AXXXXN}{3:}{4:",
            ":20:0000000000",
            ":25:NL91ABNA0417164300",
            f":28C:{number}/1",
            f":60F:C{day:%y%m%d}EUR{str(balance).replace('.', ',')}",
            *by_day[day],
            f":62F:C{day:%y%m%d}EUR{str(closing).replace('.', ',')}",
            "-}{5:}",
        ]
        balance = closing
    return "\r\n".join(rows).encode()

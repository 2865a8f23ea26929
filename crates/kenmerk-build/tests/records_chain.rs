//! The records' hash chain: any edit, deletion, insertion or reordering of
//! records is detected and the first bad record is named.

use kenmerk_build::records::{Chain, Event, Record};
use proptest::prelude::*;

fn sample_chain(n: usize) -> String {
    let mut chain = Chain::default();
    for i in 0..n {
        let event = if i % 5 == 4 {
            Event::Remove
        } else {
            Event::Add
        };
        chain.append(Record {
            indicator: Some(i as u64),
            submission_id: Some(format!("SUB-{i}")),
            authority: Some("Landeskriminalamt".into()),
            member_state: Some("DE".into()),
            decided_on: Some("2026-02-03".into()),
            reason: (event == Event::Remove).then(|| "withdrawn".into()),
            ..Record::new(event)
        });
    }
    chain.to_text()
}

fn first_error_line(text: &str) -> Option<usize> {
    Chain::parse(text).err().map(|e| e.line)
}

#[test]
fn an_intact_chain_verifies_and_its_head_is_its_last_record() {
    let text = sample_chain(12);
    let chain = Chain::parse(&text).unwrap();
    assert_eq!(chain.records().len(), 12);
    assert_eq!(chain.position_of(&chain.head()), Some(11));
    assert!(Chain::parse("").unwrap().records().is_empty());
}

#[test]
fn deleting_swapping_duplicating_or_cutting_records_is_named() {
    let text = sample_chain(10);
    let lines: Vec<&str> = text.lines().collect();
    let join = |ls: Vec<&str>| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    for i in 0..lines.len() - 1 {
        let mut deleted = lines.clone();
        deleted.remove(i);
        assert_eq!(first_error_line(&join(deleted)), Some(i + 1), "delete {i}");
        let mut swapped = lines.clone();
        swapped.swap(i, i + 1);
        assert_eq!(first_error_line(&join(swapped)), Some(i + 1), "swap {i}");
        let mut duplicated = lines.clone();
        duplicated.insert(i, lines[i]);
        assert_eq!(first_error_line(&join(duplicated)), Some(i + 2), "dup {i}");
    }
    // A record cut off mid-line.
    let cut = &text[..text.len() - 10];
    assert_eq!(first_error_line(cut), Some(10));
}

#[test]
fn re_sealing_an_altered_record_still_breaks_the_next_link() {
    let text = sample_chain(6);
    let mut records: Vec<Record> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Forge record 2 and recompute its own digest the way the builder does.
    let mut forged = Chain::default();
    for r in &records[..2] {
        forged.append(r.clone());
    }
    records[2].authority = Some("Someone else".into());
    forged.append(records[2].clone());
    let mut text = forged.to_text();
    for r in &records[3..] {
        text.push_str(&serde_json::to_string(r).unwrap());
        text.push('\n');
    }
    let err = Chain::parse(&text).unwrap_err();
    assert_eq!(err.line, 4, "{err}");
    assert!(err.reason.contains("prev"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_byte_change_is_detected(at in 0usize..10_000, to in 0x20u8..0x7f) {
        let text = sample_chain(8);
        let at = at % text.len();
        let mut bytes = text.clone().into_bytes();
        prop_assume!(bytes[at] != to && bytes[at] != b'\n');
        bytes[at] = to;
        let altered = String::from_utf8(bytes).unwrap();
        let line = text[..at].matches('\n').count() + 1;
        prop_assert_eq!(first_error_line(&altered), Some(line));
    }
}

//! One reader a file: each turns a raw row of its file into its model struct (a method of
//! [`RowCx`](super::row::RowCx)), recording every bad cell and reference.

mod agreements;
mod departments;
mod documents;
mod events;
mod organisations;
pub(super) mod passages;
mod persons;
mod places;
mod projects;
mod reports;
mod tasks;
mod ties;

use crate::model::Kind;

/// What a publisher, parent or issuer may be.
const ORG_KINDS: &[Kind] = &[Kind::Organisation, Kind::Department];
/// What a participant or organiser may be.
const AGENT_KINDS: &[Kind] = &[
    Kind::Organisation,
    Kind::Department,
    Kind::Person,
    Kind::Place,
];

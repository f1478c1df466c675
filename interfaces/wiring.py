"""Builds the running system from settings: event store, services, adapters.

Nothing is created at import time; ``Services.build(settings)`` makes one set, ``close()`` ends
it. The event store's tables are created here, once, before any worker starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.accounts.account import Account
from domain.accounts.identity import PasswordHasher, SmsGateway
from domain.accounts.identity_service import IdentityService, NewLogins
from domain.accounts.members_service import MemberService
from domain.accounts.service import AccountService
from domain.accounts.staff import CustomerRegistry, StaffDirectory, StaffMember
from domain.accounts.teams_service import TeamService
from domain.auctions import AuctionLot, AuctionSession
from domain.auctions.service import AuctionService
from domain.catalog.catalog import Catalog
from domain.catalog.listing import Listing
from domain.catalog.service import CatalogService
from domain.commands import CommandRunner
from domain.commissions.service import CommissionService
from domain.context import Clock, system_clock
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.intents.service import IntentService
from domain.ledger import Ledger
from domain.rebates.service import RebateService
from domain.trading.contract_service import ContractService
from domain.trading.order_service import OrderService
from domain.trading.return_service import ReturnService
from interfaces.config import Settings
from interfaces.metrics import Metrics
from interfaces.security import Argon2Passwords, LoggingSms, ResetThrottle, SignInThrottle, Tokens
from projections.accounts.directory import AccountDirectoryView
from projections.all import all_projections
from projections.auctions import AuctionsView
from projections.backends import open_views
from projections.balances.projection import BalancesView
from projections.database import ViewDatabase
from projections.funds_tracking.projection import FundsTrackingView
from projections.intents import IntentTrackingView
from projections.listings.search import ListingSearchView
from projections.rebates import RebatesView
from projections.reports.view import ReportsView
from projections.runner import ProjectionRunner
from projections.tracking.projection import TrackingView

# Aggregates with long lives: a snapshot every N events bounds what a cold load replays.
SNAPSHOT_EVERY: dict[type, int] = {
    Account: 100,
    FundsAccount: 100,
    Listing: 100,
    AuctionLot: 100,  # a hot lot takes thousands of bids
    AuctionSession: 100,
    Catalog: 50,
    StaffDirectory: 50,
    StaffMember: 100,
    CustomerRegistry: 20,
}


@dataclass
class Services:
    settings: Settings
    ledger: Ledger
    runner: CommandRunner
    tokens: Tokens
    sms: SmsGateway
    sign_in_throttle: SignInThrottle
    reset_throttle: ResetThrottle
    identity: IdentityService
    accounts: AccountService
    members: MemberService
    funds: FundsService
    catalog: CatalogService
    orders: OrderService
    contracts: ContractService
    returns: ReturnService
    auctions: AuctionService
    intents: IntentService
    teams: TeamService
    commissions: CommissionService
    views: ViewDatabase
    projections: ProjectionRunner
    directory: AccountDirectoryView
    balances: BalancesView
    funds_tracking: FundsTrackingView
    listings: ListingSearchView
    tracking: TrackingView
    auction_views: AuctionsView
    intent_tracking: IntentTrackingView
    rebates: RebateService
    rebate_views: RebatesView
    reports: ReportsView
    metrics: Metrics = field(default_factory=Metrics)
    clock: Clock = field(default=system_clock)

    @classmethod
    def build(
        cls,
        settings: Settings,
        clock: Clock = system_clock,
        create_tables: bool = True,
        hasher: PasswordHasher | None = None,
        sms: SmsGateway | None = None,
    ) -> Services:
        """``create_tables=False`` for workers started after the API (projections, scheduler),
        so several processes never race to create the event store's tables. ``hasher`` and
        ``sms`` replace the adapters of those ports (tests count hashes, read sent codes)."""
        ledger = Ledger(
            env=settings.eventsourcing_env(create_table=create_tables),
            snapshot_every=SNAPSHOT_EVERY,
        )
        metrics = Metrics()  # this process's: requests, command batches, jobs, read models
        runner = CommandRunner(ledger, on_batch=metrics.command_batch)
        hasher = hasher or Argon2Passwords(settings.password_hash_cost)
        sms = sms or LoggingSms()
        logins = NewLogins(runner, hasher)  # one for every service that creates a login
        views = open_views(settings)
        funds, catalog = FundsService(runner), CatalogService(runner)
        contracts = ContractService(runner, catalog, funds)
        auctions = AuctionService(runner, catalog, funds, contracts)
        contracts.on_paid(auctions.contract_paid_in)  # an award's payment frees its deposit
        rebates, returns = RebateService(runner, funds), ReturnService(runner, funds)
        contracts.on_settled(rebates.contract_settled_in)  # accrual in the settlement's write
        contracts.on_adjusted(rebates.contract_adjusted_in)  # a compensation corrects it
        returns.on_adjusted(rebates.contract_adjusted_in)  # so does a return's refund
        projections = ProjectionRunner(ledger, views, all_projections())
        metrics.watch_projections(projections.status)
        return cls(
            settings=settings,
            ledger=ledger,
            runner=runner,
            tokens=Tokens(settings.secret_key, settings.token_minutes, clock),
            sms=sms,
            sign_in_throttle=SignInThrottle(settings.sign_in_limits),
            reset_throttle=ResetThrottle(settings.sign_in_limits),
            identity=IdentityService(runner, hasher, sms, logins),
            accounts=AccountService(runner, logins, sms, settings.binding_idle_days),
            members=MemberService(runner, logins),
            funds=funds,
            catalog=catalog,
            orders=OrderService(runner, catalog, funds),
            contracts=contracts,
            returns=returns,
            auctions=auctions,
            intents=IntentService(runner, contracts, settings.intent_review_chain),
            teams=TeamService(runner),
            commissions=CommissionService(runner),
            views=views,
            projections=projections,
            directory=AccountDirectoryView(views),
            balances=BalancesView(views),
            funds_tracking=FundsTrackingView(views),
            listings=ListingSearchView(views),
            tracking=TrackingView(views),
            auction_views=AuctionsView(views),
            intent_tracking=IntentTrackingView(views),
            rebates=rebates,
            rebate_views=RebatesView(views),
            reports=ReportsView(views),
            metrics=metrics,
            clock=clock,
        )

    def close(self) -> None:
        self.projections.stop()
        self.views.close()
        self.ledger.close()

"""The domain model. Importing this package registers every table on ``db.metadata``."""

from supply_match.models.account import LoginAttempt, Role, User, user_villages
from supply_match.models.allocation import Allocation, StockChange, StockChangeKind
from supply_match.models.audit import AuditEntry, AuditKind
from supply_match.models.catalogue import HazardClass, Product, ProductCategory
from supply_match.models.county import (
    ApiToken,
    ApplicationStatus,
    CountySettings,
    VolunteerApplication,
)
from supply_match.models.document import RenderedDocument
from supply_match.models.household import Household
from supply_match.models.order import (
    DeliveryPoint,
    IllegalTransition,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
)
from supply_match.models.outlet import Outlet, Stock
from supply_match.models.outlet_day import (
    CorrectedFigure,
    DayClosing,
    DayCorrection,
    GoodsReturn,
    HandoverShortage,
    PaidBy,
    RunHandover,
    StopPayment,
)
from supply_match.models.place import Township, Village
from supply_match.models.plan import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    JobStatus,
    PlanChange,
    PlanningJob,
    PlanStatus,
    RunStatus,
    StopItem,
    StopStatus,
    StopUpdate,
    StopUpdateAction,
    UnassignedOrder,
)
from supply_match.models.position import VolunteerPosition
from supply_match.models.price import GuidePrice, OutletPrice, SubsidyProgramme
from supply_match.models.road import RoadLegs, RoadNetwork, RoadPoint
from supply_match.models.volunteer import LinkPostCount, VehicleType, Volunteer

__all__ = [
    "VolunteerPosition",
    "AuditEntry",
    "AuditKind",
    "ApiToken",
    "ApplicationStatus",
    "CountySettings",
    "VolunteerApplication",
    "DayClosing",
    "CorrectedFigure",
    "DayCorrection",
    "GoodsReturn",
    "GuidePrice",
    "HandoverShortage",
    "OutletPrice",
    "PaidBy",
    "PaymentMethod",
    "RunHandover",
    "StopPayment",
    "SubsidyProgramme",
    "DeliveryPlan",
    "DeliveryRun",
    "DeliveryStop",
    "JobStatus",
    "PlanChange",
    "PlanningJob",
    "PlanStatus",
    "RenderedDocument",
    "RoadLegs",
    "RoadNetwork",
    "RoadPoint",
    "RunStatus",
    "StopItem",
    "StopStatus",
    "StopUpdate",
    "StopUpdateAction",
    "UnassignedOrder",
    "Allocation",
    "StockChange",
    "StockChangeKind",
    "DeliveryPoint",
    "HazardClass",
    "Household",
    "IllegalTransition",
    "LoginAttempt",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Outlet",
    "Product",
    "ProductCategory",
    "Role",
    "Stock",
    "Township",
    "User",
    "VehicleType",
    "Village",
    "Volunteer",
    "LinkPostCount",
    "user_villages",
]

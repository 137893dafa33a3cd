//! The transaction taxonomy: 18 primary categories, each split into detailed ones.
//!
//! Every analytic of the four seed products is a sum over a category, and they use four different
//! vocabularies. One taxonomy has to be a superset of them all, so that each product's figure is
//! a union of our detailed categories and never a split of one. The backbone is Plaid's personal
//! finance categories (v1: 16 primary, 104 detailed), the best-documented public one; it is
//! extended where lending in Africa and Europe needs finer cuts: gambling as its own primary (a
//! credit signal, not entertainment), business expenses (payroll, suppliers), social security,
//! stamp duty and alert fees, airtime, mobile money, tontines, person-to-person transfers,
//! reversals and loan disbursements. `docs/taxonomy.md` maps every seed vocabulary onto it.
//!
//! A [`Category`] is an index into one static table, so it is `Copy`, compares in one instruction
//! and serialises as its stable code (`FOOD_AND_DRINK_GROCERIES`).

use std::fmt;

use serde::{Serialize, Serializer};

/// The first level of the taxonomy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Primary {
    /// Earned or received income: wages, business revenue, interest, pensions, benefits.
    Income,
    /// Money in that is not income: own-account moves, person-to-person, deposits, loans received.
    TransferIn,
    /// Money out that is not spending: own-account moves, savings, investments, withdrawals.
    TransferOut,
    /// Repayments of credit: loans, cards, mortgages, BNPL, debt collectors.
    LoanPayments,
    /// What the bank charges: fees, interest, stamp duty, levies.
    BankFees,
    /// Betting, lotteries, casinos, and their winnings.
    Gambling,
    /// Streaming, music, events, games.
    Entertainment,
    /// Groceries, restaurants, fast food, coffee, drink.
    FoodAndDrink,
    /// Shops and marketplaces.
    GeneralMerchandise,
    /// Furniture, hardware, repairs.
    HomeImprovement,
    /// Pharmacies, doctors, hospitals.
    Medical,
    /// Gyms, hair and beauty, laundry.
    PersonalCare,
    /// Education, childcare, insurance, legal, automotive services.
    GeneralServices,
    /// Taxes, social security, donations, government agencies.
    GovernmentAndNonProfit,
    /// Fuel, transit, taxis, parking, tolls.
    Transportation,
    /// Flights, lodging, car rental.
    Travel,
    /// Rent, energy, water, telephone, airtime, internet and TV.
    RentAndUtilities,
    /// What a business pays to run: payroll, suppliers, software, logistics.
    BusinessExpenses,
    /// Nothing matched with enough confidence.
    Other,
}

impl Primary {
    /// Every primary category, in table order.
    pub const ALL: [Primary; 19] = [
        Primary::Income,
        Primary::TransferIn,
        Primary::TransferOut,
        Primary::LoanPayments,
        Primary::BankFees,
        Primary::Gambling,
        Primary::Entertainment,
        Primary::FoodAndDrink,
        Primary::GeneralMerchandise,
        Primary::HomeImprovement,
        Primary::Medical,
        Primary::PersonalCare,
        Primary::GeneralServices,
        Primary::GovernmentAndNonProfit,
        Primary::Transportation,
        Primary::Travel,
        Primary::RentAndUtilities,
        Primary::BusinessExpenses,
        Primary::Other,
    ];

    /// The stable code, e.g. `FOOD_AND_DRINK`.
    pub fn code(self) -> &'static str {
        match self {
            Primary::Income => "INCOME",
            Primary::TransferIn => "TRANSFER_IN",
            Primary::TransferOut => "TRANSFER_OUT",
            Primary::LoanPayments => "LOAN_PAYMENTS",
            Primary::BankFees => "BANK_FEES",
            Primary::Gambling => "GAMBLING",
            Primary::Entertainment => "ENTERTAINMENT",
            Primary::FoodAndDrink => "FOOD_AND_DRINK",
            Primary::GeneralMerchandise => "GENERAL_MERCHANDISE",
            Primary::HomeImprovement => "HOME_IMPROVEMENT",
            Primary::Medical => "MEDICAL",
            Primary::PersonalCare => "PERSONAL_CARE",
            Primary::GeneralServices => "GENERAL_SERVICES",
            Primary::GovernmentAndNonProfit => "GOVERNMENT_AND_NON_PROFIT",
            Primary::Transportation => "TRANSPORTATION",
            Primary::Travel => "TRAVEL",
            Primary::RentAndUtilities => "RENT_AND_UTILITIES",
            Primary::BusinessExpenses => "BUSINESS_EXPENSES",
            Primary::Other => "OTHER",
        }
    }

    /// Reads a code; case-insensitive.
    pub fn parse(code: &str) -> Option<Primary> {
        Primary::ALL
            .into_iter()
            .find(|primary| primary.code().eq_ignore_ascii_case(code.trim()))
    }
}

impl fmt::Display for Primary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One row of the taxonomy table.
#[derive(Clone, Copy, Debug)]
pub struct CategoryInfo {
    /// Stable detailed code, prefixed by its primary's code.
    pub code: &'static str,
    /// The primary it belongs to.
    pub primary: Primary,
    /// What belongs here, for analysts and rule authors.
    pub description: &'static str,
}

macro_rules! taxonomy {
    ($($primary:ident $code:literal $description:literal;)*) => {
        /// The whole taxonomy, grouped by primary. Append only: a category's index is not
        /// stored anywhere, but its code is, and codes never change meaning.
        pub const TAXONOMY: &[CategoryInfo] = &[
            $(CategoryInfo { code: $code, primary: Primary::$primary, description: $description },)*
        ];
    };
}

taxonomy! {
    Income "INCOME_WAGES" "Salary and wages from an employer (payroll credits)";
    Income "INCOME_GIG_EARNINGS" "Payouts from platforms: ride-hailing, delivery, freelancing marketplaces";
    Income "INCOME_BUSINESS_REVENUE" "Sales and receipts of a business: customer payments, card settlements, institutional payments";
    Income "INCOME_DIVIDENDS" "Dividends from investments";
    Income "INCOME_INTEREST_EARNED" "Interest paid by the bank or on investments";
    Income "INCOME_RETIREMENT_PENSION" "Pension and retirement payments";
    Income "INCOME_TAX_REFUND" "Refunds from a tax authority";
    Income "INCOME_UNEMPLOYMENT" "Unemployment benefits";
    Income "INCOME_GOVERNMENT_BENEFITS" "Social grants, child benefit, other state benefits";
    Income "INCOME_RENTAL" "Rent received from tenants";
    Income "INCOME_OTHER_INCOME" "Other income: bonuses paid apart, royalties, prizes other than gambling";
    TransferIn "TRANSFER_IN_CASH_ADVANCES_AND_LOANS" "Loan disbursements, overdraft or cash advances received";
    TransferIn "TRANSFER_IN_DEPOSIT" "Cash and cheque deposits";
    TransferIn "TRANSFER_IN_INVESTMENT_AND_RETIREMENT_FUNDS" "Money back from investments or retirement funds";
    TransferIn "TRANSFER_IN_SAVINGS" "Money back from a savings account or pocket";
    TransferIn "TRANSFER_IN_ACCOUNT_TRANSFER" "From another account of the same holder";
    TransferIn "TRANSFER_IN_PERSON_TO_PERSON" "From a person (family, friend, related party)";
    TransferIn "TRANSFER_IN_MOBILE_MONEY" "Sweeps in from a mobile-money wallet (M-Pesa, MTN MoMo, Orange Money, Wave)";
    TransferIn "TRANSFER_IN_TONTINE" "Payout of a tontine, susu, chama or other rotating savings group";
    TransferIn "TRANSFER_IN_REFUND_REVERSAL" "Refunds of purchases and reversals of failed debits";
    TransferIn "TRANSFER_IN_OTHER_TRANSFER_IN" "Other money in that is not income";
    TransferOut "TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS" "To investments, brokers, pension funds";
    TransferOut "TRANSFER_OUT_SAVINGS" "To a savings account, pocket or target savings";
    TransferOut "TRANSFER_OUT_WITHDRAWAL" "Cash withdrawals at ATMs and counters";
    TransferOut "TRANSFER_OUT_ACCOUNT_TRANSFER" "To another account of the same holder";
    TransferOut "TRANSFER_OUT_PERSON_TO_PERSON" "To a person (family, friend, related party)";
    TransferOut "TRANSFER_OUT_MOBILE_MONEY" "To a mobile-money wallet";
    TransferOut "TRANSFER_OUT_TONTINE" "Contribution to a tontine, susu, chama or rotating savings group";
    TransferOut "TRANSFER_OUT_OTHER_TRANSFER_OUT" "Other money out that is not spending";
    LoanPayments "LOAN_PAYMENTS_CAR_PAYMENT" "Car loan and vehicle finance";
    LoanPayments "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT" "Payment of a credit card balance";
    LoanPayments "LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT" "Personal, payday and digital-lender loan repayments";
    LoanPayments "LOAN_PAYMENTS_MORTGAGE_PAYMENT" "Mortgage and home loan";
    LoanPayments "LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT" "Student loan";
    LoanPayments "LOAN_PAYMENTS_BUY_NOW_PAY_LATER" "Instalments to a buy-now-pay-later provider";
    LoanPayments "LOAN_PAYMENTS_DEBT_COLLECTION" "Payments to a debt-collection agency";
    LoanPayments "LOAN_PAYMENTS_OTHER_PAYMENT" "Other credit repayments";
    BankFees "BANK_FEES_ATM_FEES" "ATM fees";
    BankFees "BANK_FEES_FOREIGN_TRANSACTION_FEES" "Foreign transaction and currency conversion fees";
    BankFees "BANK_FEES_INSUFFICIENT_FUNDS" "Insufficient-funds, unpaid and returned-item fees";
    BankFees "BANK_FEES_INTEREST_CHARGE" "Debit interest charged by the bank";
    BankFees "BANK_FEES_OVERDRAFT_FEES" "Overdraft arrangement and usage fees";
    BankFees "BANK_FEES_ACCOUNT_MAINTENANCE" "Monthly account, maintenance and service fees";
    BankFees "BANK_FEES_SMS_ALERTS" "SMS and notification fees";
    BankFees "BANK_FEES_STAMP_DUTY_AND_LEVIES" "Stamp duty, transfer levies and taxes the bank collects";
    BankFees "BANK_FEES_TRANSFER_FEES" "Fees on transfers and payments";
    BankFees "BANK_FEES_CARD_FEES" "Card issuance, replacement and card maintenance fees";
    BankFees "BANK_FEES_OTHER_BANK_FEES" "Other bank charges";
    Gambling "GAMBLING_BETTING" "Sports betting stakes and deposits to betting wallets";
    Gambling "GAMBLING_LOTTERY" "Lottery tickets";
    Gambling "GAMBLING_CASINO" "Casinos and online casinos";
    Gambling "GAMBLING_WINNINGS" "Winnings and withdrawals from betting or casino wallets";
    Entertainment "ENTERTAINMENT_MUSIC_AND_AUDIO" "Music streaming and audio";
    Entertainment "ENTERTAINMENT_SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS" "Events, parks, museums";
    Entertainment "ENTERTAINMENT_TV_AND_MOVIES" "Video streaming, cinema";
    Entertainment "ENTERTAINMENT_VIDEO_GAMES" "Video games";
    Entertainment "ENTERTAINMENT_OTHER_ENTERTAINMENT" "Other entertainment";
    FoodAndDrink "FOOD_AND_DRINK_BEER_WINE_AND_LIQUOR" "Bars and liquor stores";
    FoodAndDrink "FOOD_AND_DRINK_COFFEE" "Coffee shops";
    FoodAndDrink "FOOD_AND_DRINK_FAST_FOOD" "Fast food and takeaways";
    FoodAndDrink "FOOD_AND_DRINK_GROCERIES" "Supermarkets and grocers";
    FoodAndDrink "FOOD_AND_DRINK_RESTAURANT" "Restaurants";
    FoodAndDrink "FOOD_AND_DRINK_VENDING_MACHINES" "Vending machines";
    FoodAndDrink "FOOD_AND_DRINK_OTHER_FOOD_AND_DRINK" "Other food and drink, including delivery apps";
    GeneralMerchandise "GENERAL_MERCHANDISE_BOOKSTORES_AND_NEWSSTANDS" "Books and newspapers";
    GeneralMerchandise "GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES" "Clothes, shoes, accessories";
    GeneralMerchandise "GENERAL_MERCHANDISE_CONVENIENCE_STORES" "Convenience stores and fuel-station shops";
    GeneralMerchandise "GENERAL_MERCHANDISE_DEPARTMENT_STORES" "Department stores";
    GeneralMerchandise "GENERAL_MERCHANDISE_DISCOUNT_STORES" "Discount stores";
    GeneralMerchandise "GENERAL_MERCHANDISE_ELECTRONICS" "Electronics and phones";
    GeneralMerchandise "GENERAL_MERCHANDISE_GIFTS_AND_NOVELTIES" "Gifts";
    GeneralMerchandise "GENERAL_MERCHANDISE_OFFICE_SUPPLIES" "Office supplies";
    GeneralMerchandise "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES" "Online marketplaces (Amazon, Jumia, Takealot)";
    GeneralMerchandise "GENERAL_MERCHANDISE_PET_SUPPLIES" "Pet supplies";
    GeneralMerchandise "GENERAL_MERCHANDISE_SPORTING_GOODS" "Sporting goods";
    GeneralMerchandise "GENERAL_MERCHANDISE_SUPERSTORES" "Superstores selling everything";
    GeneralMerchandise "GENERAL_MERCHANDISE_TOBACCO_AND_VAPE" "Tobacco and vape";
    GeneralMerchandise "GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE" "Other purchases";
    HomeImprovement "HOME_IMPROVEMENT_FURNITURE" "Furniture";
    HomeImprovement "HOME_IMPROVEMENT_HARDWARE" "Hardware and building materials";
    HomeImprovement "HOME_IMPROVEMENT_REPAIR_AND_MAINTENANCE" "Repairs, plumbers, electricians";
    HomeImprovement "HOME_IMPROVEMENT_SECURITY" "Security services and alarms";
    HomeImprovement "HOME_IMPROVEMENT_OTHER_HOME_IMPROVEMENT" "Other home improvement";
    Medical "MEDICAL_DENTAL_CARE" "Dentists";
    Medical "MEDICAL_EYE_CARE" "Opticians";
    Medical "MEDICAL_NURSING_CARE" "Nursing and care homes";
    Medical "MEDICAL_PHARMACIES_AND_SUPPLEMENTS" "Pharmacies";
    Medical "MEDICAL_PRIMARY_CARE" "Doctors, clinics, hospitals, laboratories";
    Medical "MEDICAL_VETERINARY_SERVICES" "Vets";
    Medical "MEDICAL_OTHER_MEDICAL" "Other medical";
    PersonalCare "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS" "Gyms";
    PersonalCare "PERSONAL_CARE_HAIR_AND_BEAUTY" "Hair, beauty, spas";
    PersonalCare "PERSONAL_CARE_LAUNDRY_AND_DRY_CLEANING" "Laundry";
    PersonalCare "PERSONAL_CARE_OTHER_PERSONAL_CARE" "Other personal care";
    GeneralServices "GENERAL_SERVICES_ACCOUNTING_AND_FINANCIAL_PLANNING" "Accountants and advisers";
    GeneralServices "GENERAL_SERVICES_AUTOMOTIVE" "Car service, repairs, tracking, licences";
    GeneralServices "GENERAL_SERVICES_CHILDCARE" "Childcare";
    GeneralServices "GENERAL_SERVICES_CONSULTING_AND_LEGAL" "Lawyers and consultants";
    GeneralServices "GENERAL_SERVICES_EDUCATION" "School and university fees, courses";
    GeneralServices "GENERAL_SERVICES_INSURANCE" "Insurance premiums (life, health, car, home, funeral)";
    GeneralServices "GENERAL_SERVICES_POSTAGE_AND_SHIPPING" "Post and couriers";
    GeneralServices "GENERAL_SERVICES_STORAGE" "Storage";
    GeneralServices "GENERAL_SERVICES_SOFTWARE_AND_ONLINE_SERVICES" "Software, cloud and online subscriptions that are not entertainment";
    GeneralServices "GENERAL_SERVICES_OTHER_GENERAL_SERVICES" "Other services";
    GovernmentAndNonProfit "GOVERNMENT_AND_NON_PROFIT_DONATIONS" "Donations, tithes, charities";
    GovernmentAndNonProfit "GOVERNMENT_AND_NON_PROFIT_GOVERNMENT_DEPARTMENTS_AND_AGENCIES" "Fees and fines paid to government";
    GovernmentAndNonProfit "GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT" "Income tax, VAT, business taxes paid to a tax authority";
    GovernmentAndNonProfit "GOVERNMENT_AND_NON_PROFIT_SOCIAL_SECURITY" "Social-security and pension contributions paid to a state body (URSSAF, NSSF, SSNIT, CNPS)";
    GovernmentAndNonProfit "GOVERNMENT_AND_NON_PROFIT_OTHER_GOVERNMENT_AND_NON_PROFIT" "Other government and non-profit";
    Transportation "TRANSPORTATION_BIKES_AND_SCOOTERS" "Bike and scooter hire";
    Transportation "TRANSPORTATION_GAS" "Fuel";
    Transportation "TRANSPORTATION_PARKING" "Parking";
    Transportation "TRANSPORTATION_PUBLIC_TRANSIT" "Buses, trains, metro";
    Transportation "TRANSPORTATION_TAXIS_AND_RIDE_SHARES" "Taxis and ride-hailing";
    Transportation "TRANSPORTATION_TOLLS" "Tolls";
    Transportation "TRANSPORTATION_OTHER_TRANSPORTATION" "Other transport";
    Travel "TRAVEL_FLIGHTS" "Airlines";
    Travel "TRAVEL_LODGING" "Hotels and lodging";
    Travel "TRAVEL_RENTAL_CARS" "Car rental";
    Travel "TRAVEL_OTHER_TRAVEL" "Other travel";
    RentAndUtilities "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY" "Electricity and gas";
    RentAndUtilities "RENT_AND_UTILITIES_INTERNET_AND_CABLE" "Internet, cable and satellite TV";
    RentAndUtilities "RENT_AND_UTILITIES_RENT" "Rent";
    RentAndUtilities "RENT_AND_UTILITIES_SEWAGE_AND_WASTE_MANAGEMENT" "Waste and sewage";
    RentAndUtilities "RENT_AND_UTILITIES_TELEPHONE" "Telephone bills (contract)";
    RentAndUtilities "RENT_AND_UTILITIES_AIRTIME_AND_DATA" "Prepaid airtime and data bundles";
    RentAndUtilities "RENT_AND_UTILITIES_WATER" "Water";
    RentAndUtilities "RENT_AND_UTILITIES_OTHER_UTILITIES" "Other utilities";
    BusinessExpenses "BUSINESS_EXPENSES_PAYROLL" "Salaries paid by a business to its staff";
    BusinessExpenses "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY" "Stock, raw materials, wholesalers";
    BusinessExpenses "BUSINESS_EXPENSES_EQUIPMENT" "Machines, medical and office equipment";
    BusinessExpenses "BUSINESS_EXPENSES_LOGISTICS" "Freight and delivery for the business";
    BusinessExpenses "BUSINESS_EXPENSES_OTHER_BUSINESS_EXPENSES" "Other operating expenses";
    Other "OTHER_UNCATEGORIZED" "Nothing matched with enough confidence";
}

const UNCATEGORIZED: CategoryInfo = CategoryInfo {
    code: "OTHER_UNCATEGORIZED",
    primary: Primary::Other,
    description: "Nothing matched with enough confidence",
};

/// A detailed category of [`TAXONOMY`]; its primary follows from it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category(u16);

impl Category {
    /// Looks up a detailed code (case-insensitive).
    pub fn parse(code: &str) -> Option<Category> {
        let code = code.trim();
        TAXONOMY
            .iter()
            .position(|info| info.code.eq_ignore_ascii_case(code))
            .and_then(|index| u16::try_from(index).ok())
            .map(Category)
    }

    /// Every category, in table order.
    pub fn all() -> impl Iterator<Item = Category> {
        (0..TAXONOMY.len()).filter_map(|index| u16::try_from(index).ok().map(Category))
    }

    /// The fallback for what no rule decided.
    pub fn uncategorized() -> Category {
        Category::parse("OTHER_UNCATEGORIZED").unwrap_or(Category(0))
    }

    /// Its row of the table.
    pub fn info(self) -> &'static CategoryInfo {
        // Categories are only made from table positions, so the lookup cannot miss; the
        // fallback keeps the function total without a panic path.
        TAXONOMY.get(usize::from(self.0)).unwrap_or(&UNCATEGORIZED)
    }

    /// The detailed code, e.g. `FOOD_AND_DRINK_GROCERIES`.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// Its primary category.
    pub fn primary(self) -> Primary {
        self.info().primary
    }
}

impl fmt::Debug for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefixed_by_their_primary() {
        let mut seen = std::collections::HashSet::new();
        for info in TAXONOMY {
            assert!(seen.insert(info.code), "duplicate {}", info.code);
            assert!(
                info.code.starts_with(info.primary.code()),
                "{} is not under {}",
                info.code,
                info.primary
            );
        }
        for primary in Primary::ALL {
            assert!(
                TAXONOMY.iter().any(|info| info.primary == primary),
                "{primary} has no detailed category"
            );
        }
    }

    #[test]
    fn parse_round_trips() {
        for category in Category::all() {
            assert_eq!(Category::parse(category.code()), Some(category));
        }
        assert_eq!(
            Category::parse("food_and_drink_groceries").map(Category::primary),
            Some(Primary::FoodAndDrink)
        );
        assert_eq!(Category::parse("NOPE"), None);
        assert_eq!(Category::uncategorized().primary(), Primary::Other);
    }
}
